// verify_orders.h — the orders `verify` applies a plan in: every one a valid topological
// order of the same migrations (a migration after its feature's previous one and after
// what it requires), as different from each other as ties allow.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "trellis/graph.h"

namespace trellis {

// splitmix64: the same numbers from the same seed on every machine and standard library
// (std::uniform_int_distribution is not specified bit for bit), so `--seed S` repeats a run.
class OrderRng {
 public:
  explicit OrderRng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next();
  // A number in [0, bound), bound > 0.
  std::size_t below(std::size_t bound);

 private:
  std::uint64_t state_;
};

struct VerifyOrder {
  std::string name;  // "planner", "reversed-ties", "random-1", …
  std::vector<Node> nodes;
};

// Whether `order` lists distinct nodes, each after those of its dependencies that the
// order holds (dependencies outside it are taken as already applied).
bool is_valid_order(const Graph& graph, const std::vector<Node>& order);

// `planned` (a valid order) with every tie broken the other way: of the migrations ready
// to run, the one `planned` runs last goes first.
std::vector<Node> reversed_ties_order(const Graph& graph, const std::vector<Node>& planned);

// A random valid order of `planned`'s migrations: of those ready, one drawn by `rng`.
std::vector<Node> random_order(const Graph& graph, const std::vector<Node>& planned, OrderRng& rng);

// Up to `count` distinct orders of `planned`: the planner's own, then the reversed ties,
// then random ones drawn from `seed` (order k from the k-th stream of it, so that one
// order does not depend on how many came before). Fewer when the migrations have fewer
// distinct orders (a single chain has one): random draws stop after a few that repeat
// an order already listed.
std::vector<VerifyOrder> verify_orders(const Graph& graph, const std::vector<Node>& planned, int count,
                                       std::uint64_t seed);

}  // namespace trellis
