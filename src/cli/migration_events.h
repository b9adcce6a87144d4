// migration_events.h — with --log-format json, an apply's steps as events (event_log.h):
// migration.started/retried/note/finished/failed/blocked/not-run and backfill.batch.
// `context` is merged into each (a fleet's workers add "target").
#pragma once

#include <chrono>
#include <cstdint>

#include <nlohmann/json.hpp>

#include "trellis/apply.h"

namespace trellis::cli {

class MigrationEvents : public ApplyObserver {
 public:
  explicit MigrationEvents(nlohmann::ordered_json context = nlohmann::ordered_json::object())
      : context_(std::move(context)) {}
  void on_start(const Migration& m, int resume_from) override;
  void on_retry(const Migration& m, int attempt, Millis wait, const std::string& why) override;
  void on_note(const Migration& m, const std::string& note) override;
  void on_done(const Migration& m, const StepOutcome& o) override;
  void on_batch(const Migration& m, const BackfillProgress& p) override;

 private:
  void emit(const char* event, nlohmann::ordered_json fields) const;

  nlohmann::ordered_json context_;
  std::chrono::steady_clock::time_point batch_started_;
  std::int64_t batch_rows_done_ = 0;
};

}  // namespace trellis::cli
