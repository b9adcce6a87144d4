// order_bisect.h — which two migrations' relative order changes the outcome, when two
// valid orders of the same migrations end differently.
//
// One order becomes the other by swapping adjacent migrations, one pair at a time (each
// pair independent: the first order runs one before the other, the second the other
// way round, so neither depends on the other, and every order on the way is valid). The
// outcome changes somewhere on that path: a binary search over it finds one swap that
// changes it, in about log2(number of swaps) replays.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include "engine/replay_site.h"
#include "trellis/graph.h"

namespace trellis {

// The path from `from` to `to` by adjacent swaps: `to`'s first migration moved to the
// front one swap at a time, then its second one to second place, and so on.
class SwapPath {
 public:
  // `from` and `to` hold the same nodes.
  SwapPath(std::vector<Node> from, std::vector<Node> to);

  std::size_t length() const { return total_; }  // swaps from `from` to `to`
  // The order after `step` swaps (0: `from`, length(): `to`).
  std::vector<Node> order_at(std::size_t step) const;
  // The pair that swap number `step` + 1 exchanges: {the one before, the one after} in
  // order_at(step); order_at(step + 1) runs them the other way round.
  std::pair<Node, Node> swap_at(std::size_t step) const;

 private:
  // The position in `to_` whose migration moves at `step`, and how far it has moved.
  std::pair<std::size_t, std::size_t> locate(std::size_t step) const;
  // order_at(step) as its parts: `to_`'s first p migrations, then the rest in `from`'s
  // order (`to_[p]` among them, moved `moved` places forward).
  std::vector<Node> rest_after(std::size_t p) const;

  std::vector<Node> from_, to_;
  std::vector<std::size_t> moves_;   // moves_[p]: swaps that bring to_[p] into place
  std::vector<std::size_t> starts_;  // starts_[p]: swaps before that
  std::size_t total_ = 0;
};

struct BisectResult {
  Node first = 0, second = 0;  // adjacent and independent: `first` runs before `second` in `from`
  OrderOutcome first_before;   // the outcome with `first` just before `second` (as `from`'s)
  OrderOutcome second_before;  // with the two swapped (as `to`'s, or another one)
  int replays = 0;             // calls of `replay`
};

// `from_outcome` and `to_outcome` differ (`same` is false). `replay` runs an order
// of the same migrations from an empty database and returns its outcome.
// `same(x, from_outcome)` says whether an outcome counts as from's (same_outcome unless
// given: a caller looking for the cause of some differences only compares those).
using SameOutcome = std::function<bool(const OrderOutcome&, const OrderOutcome&)>;
BisectResult bisect_orders(const std::vector<Node>& from, const OrderOutcome& from_outcome,
                           const std::vector<Node>& to, const OrderOutcome& to_outcome,
                           const std::function<OrderOutcome(const std::vector<Node>&)>& replay,
                           const SameOutcome& same = same_outcome);

}  // namespace trellis
