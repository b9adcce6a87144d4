// backfill_state.cc — the one decision of where a backfill stands (trellis/backfill.h).
#include <algorithm>

#include "trellis/backfill.h"
#include "util/clock.h"

namespace trellis {

const char* backfill_state_name(BackfillState s) {
  switch (s) {
    case BackfillState::kPending: return "pending";
    case BackfillState::kRunning: return "running";
    case BackfillState::kPaused: return "paused";
    case BackfillState::kInterrupted: return "interrupted";
    case BackfillState::kDone: return "done";
    case BackfillState::kFailed: return "failed";
  }
  return "pending";
}

BackfillState backfill_state(const StateRow* row, const BackfillCheckpoint* checkpoint, bool runner_live) {
  if (row != nullptr && row->status == RecordStatus::kApplied) return BackfillState::kDone;
  // A done checkpoint without an applied row: rolled back since; the next run starts over.
  if (checkpoint == nullptr || checkpoint->status == BackfillStatus::kDone) {
    if (row == nullptr) return BackfillState::kPending;
    if (row->status == RecordStatus::kFailed) return BackfillState::kFailed;
    return runner_live ? BackfillState::kRunning : BackfillState::kInterrupted;
  }
  const BackfillCheckpoint& c = *checkpoint;
  if (c.status == BackfillStatus::kPaused) return BackfillState::kPaused;
  if (runner_live && (row == nullptr || row->status == RecordStatus::kRunning) && c.status == BackfillStatus::kRunning) {
    return BackfillState::kRunning;  // (a requested pause takes effect at its next batch)
  }
  if (c.pause_requested) return BackfillState::kPaused;
  if (c.status == BackfillStatus::kFailed || (row != nullptr && row->status == RecordStatus::kFailed)) {
    return BackfillState::kFailed;
  }
  return BackfillState::kInterrupted;
}

double wall_rows_per_second(const BackfillCheckpoint& c, BackfillState state, std::int64_t now_ms) {
  auto start = unix_ms_from_iso8601(c.started_at);
  if (!start) return 0;
  std::int64_t end = now_ms;
  if (state == BackfillState::kDone) {
    if (auto updated = unix_ms_from_iso8601(c.updated_at)) end = *updated;
  }
  std::int64_t elapsed = end - *start;
  elapsed = std::max<std::int64_t>(elapsed, 1);
  return static_cast<double>(c.rows_done) * 1000.0 / static_cast<double>(elapsed);
}

std::string backfill_done_text(const BackfillCheckpoint& c) {
  return std::to_string(c.batches) + (c.batches == 1 ? " batch, " : " batches, ") + std::to_string(c.rows_done) +
         (c.rows_done == 1 ? " row" : " rows");
}

}  // namespace trellis
