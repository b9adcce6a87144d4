#include "engine/order_bisect.h"

#include <gtest/gtest.h>

#include <cmath>

#include "engine/verify_orders.h"
#include "fake_sites.h"
#include "test_project.h"

namespace trellis {
namespace {

using testing::FakeSites;
using testing::FakeWorld;
using testing::mig;

std::vector<Node> planner(const Graph& g) { return g.topo_order(std::vector<bool>(g.size(), true)); }

// Features f0 … f5 of four migrations each, independent of each other.
std::vector<Migration> six_features() {
  std::vector<Migration> ms;
  for (int f = 0; f < 6; ++f)
    for (int n = 1; n <= 4; ++n) ms.push_back(mig("f" + std::to_string(f) + "/000" + std::to_string(n) + "_x"));
  return ms;
}

void setup_ids(FakeWorld& world, const Graph& g) {
  for (Node n = 0; n < g.size(); ++n) world.ids.push_back(g.at(n).id);
}

TEST(SwapPath, WalksFromOneOrderToTheOtherOneAdjacentSwapAtATime) {
  auto ms = six_features();
  Graph g(ms);
  std::vector<Node> from = planner(g);
  OrderRng rng(3);
  std::vector<Node> to = random_order(g, from, rng);
  SwapPath path(from, to);
  EXPECT_EQ(path.order_at(0), from);
  EXPECT_EQ(path.order_at(path.length()), to);
  std::size_t inversions = 0;
  for (std::size_t i = 0; i < from.size(); ++i)
    for (std::size_t j = i + 1; j < from.size(); ++j) {
      auto pos = [&](Node x) { return std::find(to.begin(), to.end(), x) - to.begin(); };
      inversions += pos(from[i]) > pos(from[j]) ? 1 : 0;
    }
  EXPECT_EQ(path.length(), inversions);
  ASSERT_GT(path.length(), 10u);
  for (std::size_t s = 0; s < path.length(); ++s) {
    std::vector<Node> here = path.order_at(s), next = path.order_at(s + 1);
    auto [first, second] = path.swap_at(s);
    auto at = std::find(here.begin(), here.end(), first);
    ASSERT_NE(at + 1, here.end());
    EXPECT_EQ(*(at + 1), second) << "the pair is adjacent";
    std::iter_swap(at, at + 1);
    EXPECT_EQ(here, next) << "swapping them gives the next order";
    EXPECT_TRUE(is_valid_order(g, next)) << "every order on the way is valid";
    EXPECT_FALSE(g.depends_on(second, first));
    EXPECT_FALSE(g.depends_on(first, second));
  }
}

TEST(SwapPath, SameOrdersHaveNoSwap) {
  SwapPath path({3, 1, 2}, {3, 1, 2});
  EXPECT_EQ(path.length(), 0u);
  EXPECT_EQ(path.order_at(0), (std::vector<Node>{3, 1, 2}));
}

// f2/0001 and f4/0002 both CREATE OR REPLACE one view: the one that runs last wins.
TEST(BisectOrders, NamesThePairWhoseOrderChangesTheSchema) {
  auto ms = six_features();
  Graph g(ms);
  FakeWorld world;
  setup_ids(world, g);
  for (Node n = 0; n < g.size(); ++n) world.up[n] = testing::create("t_" + std::to_string(n));
  Node a = *g.find("f2/0001"), b = *g.find("f4/0002");
  world.up[a] = testing::replace("v", "select from f2");
  world.up[b] = testing::replace("v", "select from f4");
  FakeSites sites(world);
  ReplayCounts counts;
  std::vector<Node> from = planner(g), to = reversed_ties_order(g, from);
  OrderOutcome from_outcome = replay_order(sites, from, counts), to_outcome = replay_order(sites, to, counts);
  ASSERT_FALSE(same_outcome(from_outcome, to_outcome)) << "the reversed order runs f2/0001 last";
  BisectResult r = bisect_orders(from, from_outcome, to, to_outcome,
                                 [&](const std::vector<Node>& o) { return replay_order(sites, o, counts); });
  EXPECT_EQ(g.at(r.first).id, "f2/0001_x") << "first in the planner's order";
  EXPECT_EQ(g.at(r.second).id, "f4/0002_x");
  auto diff = diff_schemas(r.first_before.model, r.second_before.model);
  ASSERT_EQ(diff.size(), 1u);
  EXPECT_EQ(diff[0].name, "v");
  EXPECT_EQ(*diff[0].changes[0].expected, "select from f4") << "f2/0001 first, so f4/0002 replaces it";
  EXPECT_EQ(*diff[0].changes[0].actual, "select from f2");
  SwapPath path(from, to);
  EXPECT_LE(r.replays, static_cast<int>(std::ceil(std::log2(static_cast<double>(path.length())))));
}

// f3/0002 creates an index on a table that f1/0001 creates, without requiring it.
TEST(BisectOrders, NamesThePairWhenAMigrationFailsInOneOrderOnly) {
  auto ms = six_features();
  Graph g(ms);
  FakeWorld world;
  setup_ids(world, g);
  Node table = *g.find("f1/0001"), index = *g.find("f3/0002");
  world.up[table] = testing::create("orders");
  world.up[index] = [](testing::FakeDb& db) -> std::optional<std::string> {
    if (!db.count("orders")) return "relation \"orders\" does not exist";
    db["ix_orders"] = "btree";
    return std::nullopt;
  };
  FakeSites sites(world);
  ReplayCounts counts;
  std::vector<Node> from = planner(g), to = reversed_ties_order(g, from);
  OrderOutcome from_outcome = replay_order(sites, from, counts), to_outcome = replay_order(sites, to, counts);
  ASSERT_FALSE(from_outcome.failure) << "f1/0001 runs before f3/0002 in the planner's order";
  ASSERT_TRUE(to_outcome.failure);
  BisectResult r = bisect_orders(from, from_outcome, to, to_outcome,
                                 [&](const std::vector<Node>& o) { return replay_order(sites, o, counts); });
  EXPECT_EQ(r.first, table);
  EXPECT_EQ(r.second, index);
  EXPECT_FALSE(r.first_before.failure);
  ASSERT_TRUE(r.second_before.failure);
  EXPECT_EQ(r.second_before.failure->id, "f3/0002_x");
}

TEST(SameOutcome, FailuresCompareByMigrationAndSection) {
  ReplayFailure f;
  f.id = "a/0001_x";
  f.error = "one message";
  OrderOutcome x{f, {}};
  f.error = "another message with another oid";
  OrderOutcome y{f, {}};
  EXPECT_TRUE(same_outcome(x, y));
  f.down = true;
  EXPECT_FALSE(same_outcome(x, OrderOutcome{f, {}}));
  EXPECT_FALSE(same_outcome(x, OrderOutcome{}));
  EXPECT_TRUE(same_outcome(OrderOutcome{}, OrderOutcome{}));
}

}  // namespace
}  // namespace trellis
