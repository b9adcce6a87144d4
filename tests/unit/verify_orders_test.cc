#include "engine/verify_orders.h"

#include <gtest/gtest.h>

#include <set>

#include "test_project.h"

namespace trellis {
namespace {

using testing::mig;

std::vector<std::string> ids(const Graph& g, const std::vector<Node>& order) {
  std::vector<std::string> out;
  for (Node n : order) out.push_back(g.at(n).id);
  return out;
}

std::vector<Node> planner(const Graph& g) { return g.topo_order(std::vector<bool>(g.size(), true)); }

// Three features; c/0002 requires a/0002.
std::vector<Migration> three_features() {
  return {mig("a/0001_x"), mig("a/0002_x"), mig("b/0001_x"), mig("b/0002_x"),
          mig("c/0001_x"), mig("c/0002_x", {"a/0002"})};
}

TEST(OrderRng, IsSplitmix64) {
  OrderRng rng(0);  // the reference sequence of splitmix64 from seed 0
  EXPECT_EQ(rng.next(), 0xE220A8397B1DCDAFULL);
  EXPECT_EQ(rng.next(), 0x6E789E6AA1B965F4ULL);
  OrderRng bounded(7);
  for (int i = 0; i < 100; ++i) EXPECT_LT(bounded.below(3), 3u);
}

TEST(VerifyOrders, ReversedTiesRunsLastWhatThePlannerRunsLast) {
  auto ms = three_features();
  Graph g(ms);
  std::vector<Node> planned = planner(g);
  EXPECT_EQ(ids(g, planned), (std::vector<std::string>{"a/0001_x", "b/0001_x", "c/0001_x", "a/0002_x",
                                                       "b/0002_x", "c/0002_x"}));
  // Ready at first: a/1, b/1, c/1: the planner's last (c/1) goes first, and so on.
  EXPECT_EQ(ids(g, reversed_ties_order(g, planned)),
            (std::vector<std::string>{"c/0001_x", "b/0001_x", "b/0002_x", "a/0001_x", "a/0002_x", "c/0002_x"}));
  EXPECT_TRUE(is_valid_order(g, reversed_ties_order(g, planned)));
}

TEST(VerifyOrders, EveryOrderIsValidAndDistinct) {
  auto ms = three_features();
  Graph g(ms);
  auto orders = verify_orders(g, planner(g), 6, 1234);
  ASSERT_EQ(orders.size(), 6u);
  EXPECT_EQ(orders[0].name, "planner");
  EXPECT_EQ(orders[1].name, "reversed-ties");
  std::set<std::vector<Node>> distinct;
  for (const auto& o : orders) {
    EXPECT_TRUE(is_valid_order(g, o.nodes)) << o.name;
    EXPECT_EQ(o.nodes.size(), ms.size());
    distinct.insert(o.nodes);
  }
  EXPECT_EQ(distinct.size(), orders.size());
  EXPECT_EQ(orders[2].name.rfind("random-", 0), 0u);
}

TEST(VerifyOrders, TheSameSeedGivesTheSameOrders) {
  auto ms = three_features();
  Graph g(ms);
  auto one = verify_orders(g, planner(g), 5, 99);
  auto two = verify_orders(g, planner(g), 5, 99);
  ASSERT_EQ(one.size(), two.size());
  for (std::size_t i = 0; i < one.size(); ++i) {
    EXPECT_EQ(one[i].name, two[i].name);
    EXPECT_EQ(one[i].nodes, two[i].nodes);
  }
  // Asking for more orders does not change the earlier ones.
  auto more = verify_orders(g, planner(g), 7, 99);
  for (std::size_t i = 0; i < one.size(); ++i) EXPECT_EQ(more[i].nodes, one[i].nodes) << i;
}

TEST(VerifyOrders, DifferentSeedsDrawDifferentOrders) {
  std::vector<Migration> ms;
  for (const char* f : {"a", "b", "c", "d", "e", "f"})
    for (const char* n : {"0001_x", "0002_x", "0003_x"}) ms.push_back(mig(std::string(f) + "/" + n));
  Graph g(ms);
  std::set<std::vector<Node>> thirds;
  for (std::uint64_t seed = 1; seed <= 8; ++seed) thirds.insert(verify_orders(g, planner(g), 3, seed)[2].nodes);
  EXPECT_GT(thirds.size(), 4u) << "18 migrations in 6 chains have millions of orders";
}

TEST(VerifyOrders, OneChainHasOneOrder) {
  std::vector<Migration> ms = {mig("a/0001_x"), mig("a/0002_x"), mig("a/0003_x")};
  Graph g(ms);
  auto orders = verify_orders(g, planner(g), 3, 5);
  ASSERT_EQ(orders.size(), 1u);
  EXPECT_EQ(orders[0].name, "planner");
}

TEST(VerifyOrders, TwoMigrationsHaveTwoOrders) {
  std::vector<Migration> ms = {mig("a/0001_x"), mig("b/0001_x")};
  Graph g(ms);
  auto orders = verify_orders(g, planner(g), 5, 5);
  ASSERT_EQ(orders.size(), 2u);
  EXPECT_EQ(ids(g, orders[1].nodes), (std::vector<std::string>{"b/0001_x", "a/0001_x"}));
}

TEST(VerifyOrders, OnlyDependenciesInsideThePlanCount) {
  // b/0001 requires a/0001, which is not in the plan (already applied, or not released).
  std::vector<Migration> ms = {mig("a/0001_x"), mig("b/0001_x", {"a/0001"}), mig("c/0001_x")};
  Graph g(ms);
  std::vector<Node> planned = {*g.find("b/0001"), *g.find("c/0001")};
  EXPECT_TRUE(is_valid_order(g, planned));
  auto reversed = reversed_ties_order(g, planned);
  EXPECT_EQ(ids(g, reversed), (std::vector<std::string>{"c/0001_x", "b/0001_x"}));
}

TEST(VerifyOrders, IsValidOrderRejectsDependencyAfterDependent) {
  auto ms = three_features();
  Graph g(ms);
  std::vector<Node> bad = {*g.find("a/0002"), *g.find("a/0001")};
  EXPECT_FALSE(is_valid_order(g, bad));
  std::vector<Node> twice = {*g.find("a/0001"), *g.find("a/0001")};
  EXPECT_FALSE(is_valid_order(g, twice));
  std::vector<Node> requires_late = {*g.find("c/0001"), *g.find("c/0002"), *g.find("a/0001"), *g.find("a/0002")};
  EXPECT_FALSE(is_valid_order(g, requires_late));
}

}  // namespace
}  // namespace trellis
