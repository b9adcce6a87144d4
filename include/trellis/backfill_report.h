// trellis/backfill_report.h — where each batched backfill of a project stands, for
// `trellis backfill status`.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "trellis/backfill.h"
#include "trellis/driver.h"
#include "trellis/graph.h"

namespace trellis {

struct BackfillView {
  Node node = 0;
  BackfillState state = BackfillState::kPending;  // backfill_state() (trellis/backfill.h)
  std::optional<BackfillCheckpoint> checkpoint;  // nullopt before its first run
  double rows_per_second = 0;                   // wall_rows_per_second(): pauses included
  std::optional<std::int64_t> rows_remaining;   // estimate (trellis/backfill.h)
  std::optional<double> eta_seconds;            // only while running
};

// Every migration with a `-- batch:` directive (only `only_id` if not empty; Error(kUsage)
// if it names no such migration), in graph order. Reads the checkpoints, and whether a
// runner holds the lock (RunnerLock::held_by_a_runner) when one of them is started.
std::vector<BackfillView> backfill_report(Driver& driver, const Graph& graph, const std::vector<StateRow>& state,
                                          const std::string& only_id);

}  // namespace trellis
