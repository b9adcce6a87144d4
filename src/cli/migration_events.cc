#include "cli/migration_events.h"

#include "cli/event_log.h"

namespace trellis::cli {
namespace {

nlohmann::ordered_json or_null(const std::string& text) {
  return text.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(text);
}

nlohmann::ordered_json positive_or_null(int n) { return n > 0 ? nlohmann::ordered_json(n) : nlohmann::ordered_json(nullptr); }

}  // namespace

void MigrationEvents::emit(const char* event, nlohmann::ordered_json fields) const {
  if (!EventLog::get().enabled()) return;
  nlohmann::ordered_json all = context_;
  all.update(fields);
  EventLog::get().emit(event, all);
}

void MigrationEvents::on_start(const Migration& m, int resume_from) {
  batch_started_ = std::chrono::steady_clock::now();
  batch_rows_done_ = 0;
  emit("migration.started", {{"id", m.id}, {"feature", m.feature}, {"phase", phase_name(m.phase)},
                             {"transaction", m.tx == TxMode::kTransactional},
                             {"resume_from", positive_or_null(resume_from)}});
}

void MigrationEvents::on_batch(const Migration& m, const BackfillProgress& p) {
  auto now = std::chrono::steady_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now - batch_started_).count();
  batch_started_ = now;
  emit("backfill.batch", {{"id", m.id}, {"batch", p.batches}, {"rows", p.rows_done - batch_rows_done_},
                          {"rows_done", p.rows_done},
                          {"rows_remaining", p.rows_remaining ? nlohmann::ordered_json(*p.rows_remaining) : nullptr},
                          {"duration_ms", ms}, {"finished", p.finished}});
  batch_rows_done_ = p.rows_done;
}

void MigrationEvents::on_done(const Migration& m, const StepOutcome& o) {
  const char* event = o.result == StepResult::kApplied  ? "migration.finished"
                      : o.result == StepResult::kFailed ? "migration.failed"
                      : o.result == StepResult::kBlocked ? "migration.blocked"
                                                         : "migration.not-run";
  bool ran = o.result == StepResult::kApplied || o.result == StepResult::kFailed;
  emit(event, {{"id", m.id},
               {"duration_ms", ran ? nlohmann::ordered_json(o.duration_ms) : nullptr},
               {"attempts", ran ? nlohmann::ordered_json(o.attempts) : nullptr},
               {"error", or_null(o.error)}, {"statement", positive_or_null(o.statement)},
               {"line", positive_or_null(o.line)}, {"blocked_by", or_null(o.blocked_by)}});
}

void MigrationEvents::on_retry(const Migration& m, int attempt, Millis wait, const std::string& why) {
  emit("migration.retried", {{"id", m.id}, {"attempt", attempt + 1}, {"wait_ms", wait.count()}, {"error", why}});
}

void MigrationEvents::on_note(const Migration& m, const std::string& note) {
  emit("migration.note", {{"id", m.id}, {"note", note}});
}

}  // namespace trellis::cli
