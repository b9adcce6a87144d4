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
  std::string state;                            // checkpoint status, else "pending" or "applied"
  std::optional<BackfillCheckpoint> checkpoint;  // nullopt before its first run
  double rows_per_second = 0;                   // rows_done over the time spent in batches
  std::optional<std::int64_t> rows_remaining;   // estimate (trellis/backfill.h)
  std::optional<double> eta_seconds;
};

// Every migration with a `-- batch:` directive (only `only_id` if not empty; Error(kUsage)
// if it names no such migration), in graph order.
std::vector<BackfillView> backfill_report(Driver& driver, const Graph& graph, const std::vector<StateRow>& state,
                                          const std::string& only_id);

}  // namespace trellis
