// verify_findings.h — from the replays' outcomes to verify's findings: orders that end
// differently from the planner's (a bisect per distinct outcome names the pair), and the
// stairway's problems, as the plain values of trellis/verify.h.
#pragma once

#include <vector>

#include "engine/order_bisect.h"
#include "engine/stairway.h"
#include "engine/verify_orders.h"
#include "trellis/verify.h"

namespace trellis {

VerifyFailure verify_failure(const ReplayFailure& f);

// `outcomes[k]` is the outcome of `orders[k]`; orders[0] is the planner's. One finding per
// pair of migrations found; replays for the bisect run on new sites of `sites`, counted
// in `counts` and `bisect_replays`.
std::vector<OrderFinding> order_findings(ReplaySites& sites, const Graph& graph,
                                         const std::vector<VerifyOrder>& orders,
                                         const std::vector<OrderOutcome>& outcomes, ReplayCounts& counts,
                                         int& bisect_replays);

std::vector<StairwayFinding> stairway_findings(const Graph& graph, const StairwayResult& result);

}  // namespace trellis
