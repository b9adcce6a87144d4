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
#include <utility>
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

// The stairway of order[begin, end) (end clamped to the order's size): on an empty site,
// the ups of order[0, begin), then up, down, up for each migration of the range.
StairwayResult run_stairway(ReplaySites& sites, const Graph& graph, const std::vector<Node>& order,
                            std::size_t begin = 0, std::size_t end = static_cast<std::size_t>(-1));

// `order`'s n positions cut into `parts` ranges of about equal cost, to run side by side.
// A schema read costs about as much as the schema is large, which grows along the order,
// so the cuts are at n·sqrt(k/parts), not at equal counts.
std::vector<std::pair<std::size_t, std::size_t>> stairway_ranges(std::size_t n, std::size_t parts);

// The ranges' results, in order, as one stairway: after a range that stopped at a failing
// up, the later ones (which stopped at it too) are left out.
StairwayResult merge_stairways(std::vector<StairwayResult> parts);

}  // namespace trellis
