// run_state.cc — what is under way in a database: read_activity() and the one reading of
// a started, paused or interrupted row for every view (trellis/status.h).
#include "trellis/status.h"

namespace trellis {

void read_activity(Driver& driver, StateIndex& state) {
  bool backfill_open = false, started = false;
  for (const auto& row : state.rows()) {
    if (row.status == RecordStatus::kApplied) continue;
    backfill_open = backfill_open || row.phase == "backfill";
    started = started || row.status == RecordStatus::kRunning;
  }
  if (!backfill_open && !started) return;
  StateIndex::Activity activity;
  if (backfill_open) activity.checkpoints = driver.state().load_checkpoints();
  bool running_checkpoint = false;
  for (const auto& c : activity.checkpoints) running_checkpoint = running_checkpoint || c.status == BackfillStatus::kRunning;
  if (started || running_checkpoint) activity.runner_live = driver.lock().held_by_a_runner();
  state.set_activity(std::move(activity));
}

BackfillState backfill_state_of(const Migration& m, const StateIndex& state) {
  return backfill_state(state.find(m.id), state.checkpoint(m.id), state.runner_live());
}

namespace {

std::string statements_text(int n) { return std::to_string(n) + (n == 1 ? " statement" : " statements"); }

RecordedState backfill_recorded(const Migration& m, const StateRow& row, const StateIndex& state) {
  const BackfillCheckpoint* c = state.checkpoint(m.id);
  std::string done = c != nullptr && c->status != BackfillStatus::kDone ? backfill_done_text(*c) : "no batch";
  switch (backfill_state_of(m, state)) {
    case BackfillState::kDone: return {MigrationState::kApplied, ""};
    case BackfillState::kPending: return {MigrationState::kPending, ""};
    case BackfillState::kRunning:
      return {MigrationState::kRunning,
              "backfill running: " + done + " so far" + (c != nullptr && c->pause_requested ? " (pausing)" : "")};
    case BackfillState::kPaused:
      return {MigrationState::kPaused, "backfill paused after " + done + "; 'trellis backfill resume " + m.id +
                                           "' continues it"};
    case BackfillState::kInterrupted:
      return {MigrationState::kInterrupted,
              "backfill interrupted after " + done + "; apply resumes it from its last committed batch"};
    case BackfillState::kFailed: break;
  }
  return {MigrationState::kFailed, !row.error.empty() ? row.error : c != nullptr ? c->error : ""};
}

}  // namespace

RecordedState recorded_state(const Migration& m, const StateRow& row, const StateIndex& state) {
  if (m.batch && row.status != RecordStatus::kApplied) return backfill_recorded(m, row, state);
  switch (row.status) {
    case RecordStatus::kApplied: return {MigrationState::kApplied, ""};
    case RecordStatus::kFailed: return {MigrationState::kFailed, row.error};
    case RecordStatus::kRunning: break;
  }
  std::string done = statements_text(row.statements_done);
  if (state.runner_live()) return {MigrationState::kRunning, "running outside a transaction: " + done + " done"};
  return {MigrationState::kInterrupted, "interrupted outside a transaction after " + done + "; apply resumes it"};
}

}  // namespace trellis
