// apply_observer.h — prints apply/rollback progress as it happens; on a terminal also a
// live line naming the running migration.
#pragma once

#include <chrono>
#include <optional>
#include <vector>

#include "cli/backfill_progress.h"
#include "cli/live_line.h"
#include "cli/migration_events.h"
#include "trellis/apply.h"

namespace trellis::cli {

// With --log-format json it also writes each step as an event (event_log.h), quiet or not.
class PrintingObserver : public ApplyObserver {
 public:
  explicit PrintingObserver(bool quiet) : quiet_(quiet) {}
  // Pads ids in progress lines to this width (at least; default 40).
  void set_id_width(std::size_t width) { id_width_ = width; }
  void on_start(const Migration& m, int resume_from) override;
  void on_retry(const Migration& m, int attempt, Millis wait, const std::string& why) override;
  void on_note(const Migration& m, const std::string& note) override;
  void on_done(const Migration& m, const StepOutcome& o) override;
  void on_batch(const Migration& m, const BackfillProgress& p) override;

  // Erases the live line for good (a run cut off by a lost connection).
  void stop() { live_.stop(); }

 private:
  bool quiet_;
  MigrationEvents events_;
  std::size_t id_width_ = 40;
  BackfillProgressView progress_;
  LiveLine live_;  // on a terminal: the running migration and its elapsed time
};

// The longest id among a plan's steps: the width progress lines pad ids to.
std::size_t id_width(const Graph& g, const Plan& plan);

// Shown in the summary besides the outcomes.
struct SummaryExtras {
  std::vector<Held> held;           // not applied: held back (counted as "held back")
  std::optional<Node> interrupted;  // in flight when the run was cut off
  std::string interrupted_why;
};

// The closing summary line and, when anything did not apply, a table of what and why.
void print_summary(const Graph& g, const std::vector<StepOutcome>& outcomes, const char* verb,
                   const SummaryExtras& extras = {});

}  // namespace trellis::cli
