// stairway.h — does every down undo its up? In the planner's order, each reversible
// migration goes up, down and up again on one scratch database: the down must leave the
// schema exactly as it was before the up (what it leaves behind or removes is listed),
// and the second up must succeed.
//
// Cost: two schema reads per reversible migration (before its up, after its down) plus
// its sections three times; irreversible migrations only go up. After a problem the
// state is rebuilt by replaying the order up to that migration on an empty site, so that
// one broken down does not make every later step fail.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "engine/replay_site.h"
#include "trellis/graph.h"

namespace trellis {

// Whether the stairway takes `m` up, down and up: it has a down section (a no-op one
// included: rolling it back keeps what its up made) and is not a batched backfill, which
// a replay skips.
bool stairway_applies(const Migration& m);

struct StairwayProblem {
  enum class Type {
    kDownFails,      // `failure`: the down section failed
    kDownDiffers,    // `differences`: before the up (expected) vs after the down (actual)
    kSecondUpFails,  // `failure`: the up failed when run again after the down
  };
  Node node = 0;
  Type type = Type::kDownFails;
  std::optional<ReplayFailure> failure;
  std::vector<SchemaDifference> differences;
};

struct StairwayResult {
  std::vector<StairwayProblem> problems;  // in order
  std::size_t checked = 0;                // migrations taken up, down and up
  // An up failed the first time (as it does in the planner's order): the stairway
  // stopped there.
  std::optional<ReplayFailure> stopped;
  ReplayCounts counts;
};

StairwayResult run_stairway(ReplaySites& sites, const Graph& graph, const std::vector<Node>& order);

}  // namespace trellis
