#include "engine/order_bisect.h"

#include <algorithm>
#include <tuple>

#include "trellis/error.h"

namespace trellis {
namespace {

// Counts of present positions, by prefix (a Fenwick tree).
class PresentCounts {
 public:
  explicit PresentCounts(std::size_t n) : tree_(n + 1, 0) {
    for (std::size_t i = 0; i < n; ++i) add(i, 1);
  }
  void add(std::size_t i, int delta) {
    for (std::size_t k = i + 1; k < tree_.size(); k += k & (~k + 1)) tree_[k] += delta;
  }
  std::size_t before(std::size_t i) const {  // present positions < i
    long sum = 0;
    for (std::size_t k = i; k > 0; k -= k & (~k + 1)) sum += tree_[k];
    return static_cast<std::size_t>(sum);
  }

 private:
  std::vector<long> tree_;
};

}  // namespace

SwapPath::SwapPath(std::vector<Node> from, std::vector<Node> to) : from_(std::move(from)), to_(std::move(to)) {
  if (from_.size() != to_.size()) throw Error(ErrorKind::kInternal, "SwapPath: orders of different sizes");
  std::size_t n = from_.size();
  Node largest = 0;
  for (Node x : from_) largest = std::max(largest, x);
  std::vector<std::size_t> from_pos(n == 0 ? 0 : largest + 1, n);
  for (std::size_t i = 0; i < n; ++i) from_pos[from_[i]] = i;
  PresentCounts unplaced(n);
  moves_.resize(n);
  starts_.resize(n);
  for (std::size_t p = 0; p < n; ++p) {
    if (to_[p] >= from_pos.size() || from_pos[to_[p]] == n)
      throw Error(ErrorKind::kInternal, "SwapPath: orders of different migrations");
    std::size_t at = from_pos[to_[p]];
    starts_[p] = total_;
    moves_[p] = unplaced.before(at);
    total_ += moves_[p];
    unplaced.add(at, -1);
  }
}

std::pair<std::size_t, std::size_t> SwapPath::locate(std::size_t step) const {
  if (step >= total_) return {to_.size(), 0};
  auto it = std::upper_bound(starts_.begin(), starts_.end(), step);
  auto p = static_cast<std::size_t>(it - starts_.begin()) - 1;
  return {p, step - starts_[p]};
}

std::vector<Node> SwapPath::rest_after(std::size_t p) const {
  std::vector<bool> placed;
  Node largest = 0;
  for (Node x : from_) largest = std::max(largest, x);
  placed.assign(from_.empty() ? 0 : largest + 1, false);
  for (std::size_t i = 0; i < p; ++i) placed[to_[i]] = true;
  std::vector<Node> rest;
  rest.reserve(from_.size() - p);
  for (Node x : from_)
    if (!placed[x]) rest.push_back(x);
  return rest;
}

std::vector<Node> SwapPath::order_at(std::size_t step) const {
  auto [p, moved] = locate(step);
  if (p == to_.size()) return to_;
  std::vector<Node> rest = rest_after(p);
  // to_[p] sits at moves_[p] in `rest` (that many unplaced migrations precede it in from_).
  auto y = rest.begin() + static_cast<std::ptrdiff_t>(moves_[p]);
  std::rotate(y - static_cast<std::ptrdiff_t>(moved), y, y + 1);
  std::vector<Node> out(to_.begin(), to_.begin() + static_cast<std::ptrdiff_t>(p));
  out.insert(out.end(), rest.begin(), rest.end());
  return out;
}

std::pair<Node, Node> SwapPath::swap_at(std::size_t step) const {
  if (step >= total_) throw Error(ErrorKind::kInternal, "SwapPath: no swap after the last order");
  auto [p, moved] = locate(step);
  std::vector<Node> rest = rest_after(p);
  return {rest[moves_[p] - moved - 1], to_[p]};
}

BisectResult bisect_orders(const std::vector<Node>& from, const OrderOutcome& from_outcome,
                           const std::vector<Node>& to, const OrderOutcome& to_outcome,
                           const std::function<OrderOutcome(const std::vector<Node>&)>& replay,
                           const SameOutcome& same) {
  SwapPath path(from, to);
  if (path.length() == 0) throw Error(ErrorKind::kInternal, "bisect_orders: the two orders are the same");
  BisectResult result;
  std::size_t lo = 0, hi = path.length();  // outcome at lo is from's, at hi it is not
  result.first_before = from_outcome;
  result.second_before = to_outcome;
  while (hi - lo > 1) {
    std::size_t mid = lo + (hi - lo) / 2;
    OrderOutcome outcome = replay(path.order_at(mid));
    ++result.replays;
    if (same(outcome, from_outcome)) {
      lo = mid;
      result.first_before = std::move(outcome);
    } else {
      hi = mid;
      result.second_before = std::move(outcome);
    }
  }
  std::tie(result.first, result.second) = path.swap_at(lo);
  return result;
}

}  // namespace trellis
