#include "engine/verify_orders.h"

#include <algorithm>
#include <functional>
#include <set>

namespace trellis {
namespace {

constexpr int kRepeatsBeforeGivingUp = 16;

// Kahn's algorithm over `planned`'s migrations. `pick` chooses one of the ready ones,
// given sorted by their position in `planned`, and returns its index there.
std::vector<Node> order_by(const Graph& graph, const std::vector<Node>& planned,
                           const std::function<std::size_t(const std::vector<std::size_t>&)>& pick) {
  constexpr std::size_t kAbsent = static_cast<std::size_t>(-1);
  std::vector<std::size_t> position(graph.size(), kAbsent);
  for (std::size_t i = 0; i < planned.size(); ++i) position[planned[i]] = i;
  std::vector<std::size_t> waiting(planned.size(), 0);
  std::vector<std::size_t> ready;  // positions in `planned`, sorted
  for (std::size_t i = 0; i < planned.size(); ++i) {
    for (Node d : graph.dependencies(planned[i])) waiting[i] += position[d] != kAbsent ? 1 : 0;
    if (waiting[i] == 0) ready.push_back(i);
  }
  std::vector<Node> out;
  out.reserve(planned.size());
  while (!ready.empty()) {
    std::size_t chosen = pick(ready);
    std::size_t p = ready[chosen];
    ready.erase(ready.begin() + static_cast<std::ptrdiff_t>(chosen));
    out.push_back(planned[p]);
    for (Node r : graph.dependents(planned[p])) {
      std::size_t q = position[r];
      if (q == kAbsent || --waiting[q] != 0) continue;
      ready.insert(std::lower_bound(ready.begin(), ready.end(), q), q);
    }
  }
  return out;
}

}  // namespace

std::uint64_t OrderRng::next() {
  std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

std::size_t OrderRng::below(std::size_t bound) { return static_cast<std::size_t>(next() % bound); }

bool is_valid_order(const Graph& graph, const std::vector<Node>& order) {
  std::vector<int> state(graph.size(), 0);  // 0: not in the order, 1: later in it, 2: already run
  for (Node n : order) {
    if (n >= graph.size() || state[n] != 0) return false;
    state[n] = 1;
  }
  for (Node n : order) {
    for (Node d : graph.dependencies(n))
      if (state[d] == 1) return false;
    state[n] = 2;
  }
  return true;
}

std::vector<Node> reversed_ties_order(const Graph& graph, const std::vector<Node>& planned) {
  return order_by(graph, planned, [](const std::vector<std::size_t>& ready) { return ready.size() - 1; });
}

std::vector<Node> random_order(const Graph& graph, const std::vector<Node>& planned, OrderRng& rng) {
  return order_by(graph, planned, [&](const std::vector<std::size_t>& ready) { return rng.below(ready.size()); });
}

std::vector<VerifyOrder> verify_orders(const Graph& graph, const std::vector<Node>& planned, int count,
                                       std::uint64_t seed) {
  std::vector<VerifyOrder> orders;
  std::set<std::vector<Node>> seen;
  auto add = [&](std::string name, std::vector<Node> nodes) {
    if (static_cast<int>(orders.size()) >= count || !seen.insert(nodes).second) return false;
    orders.push_back(VerifyOrder{std::move(name), std::move(nodes)});
    return true;
  };
  add("planner", planned);
  add("reversed-ties", reversed_ties_order(graph, planned));
  OrderRng streams(seed);
  int repeats = 0;
  for (int k = 1; static_cast<int>(orders.size()) < count && repeats < kRepeatsBeforeGivingUp; ++k) {
    OrderRng rng(streams.next());
    if (add("random-" + std::to_string(k), random_order(graph, planned, rng))) {
      repeats = 0;
    } else {
      ++repeats;
    }
  }
  return orders;
}

}  // namespace trellis
