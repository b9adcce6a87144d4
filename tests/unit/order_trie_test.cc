#include "engine/order_trie.h"

#include <gtest/gtest.h>

#include "engine/verify_orders.h"
#include "fake_sites.h"
#include "test_project.h"

namespace trellis {
namespace {

using testing::FakeSites;
using testing::FakeWorld;

TEST(OrderTrie, SharesCommonPrefixes) {
  // 0 1 2 3 / 0 1 3 2 / 0 2 1 3: the root's child 0, branching after 0 and after 0 1.
  OrderTrie trie({{0, 1, 2, 3}, {0, 1, 3, 2}, {0, 2, 1, 3}});
  EXPECT_EQ(trie.edges(), 4u + 2u + 3u);
  const auto& v = trie.vertices();
  ASSERT_EQ(v[0].children.size(), 1u);
  std::size_t zero = v[0].children[0];
  EXPECT_EQ(v[zero].children.size(), 2u);
  EXPECT_EQ(v[zero].orders, (std::vector<std::size_t>{0, 1, 2}));
  EXPECT_EQ(v[0].orders, (std::vector<std::size_t>{0, 1, 2}));
  for (std::size_t i = 1; i < v.size(); ++i) {
    if (v[i].children.empty()) {
      EXPECT_EQ(v[i].orders.size(), 1u) << "one order per leaf";
    }
  }
  EXPECT_EQ(trie.path_to(v.size() - 1), (std::vector<Node>{0, 2, 1, 3}));
}

struct TrieRun {
  std::vector<OrderOutcome> outcomes;
  ReplayCounts counts;
};

TrieRun run(FakeWorld& world, const std::vector<std::vector<Node>>& orders, unsigned threads) {
  FakeSites sites(world);
  OrderTrie trie(orders);
  TrieReplay replay(sites, trie, orders.size());
  TaskPool pool;
  replay.submit(pool);
  pool.run(threads);
  return TrieRun{replay.outcomes(), replay.counts()};
}

// Node i creates table t<i>.
void fill(FakeWorld& world, std::size_t n) {
  for (Node i = 0; i < n; ++i) {
    world.ids.push_back("m/" + std::to_string(i));
    world.up[i] = testing::create("t" + std::to_string(i));
  }
}

const std::vector<std::vector<Node>> kOrders = {{0, 1, 2, 3, 4}, {0, 1, 2, 4, 3}, {0, 1, 3, 2, 4}, {1, 0, 2, 3, 4}};

TEST(TrieReplay, RunsEachEdgeOnceWhenSitesFork) {
  for (unsigned threads : {1u, 4u}) {
    FakeWorld world;
    fill(world, 5);
    TrieRun r = run(world, kOrders, threads);
    OrderTrie trie(kOrders);
    EXPECT_EQ(r.counts.sections, trie.edges()) << threads;
    EXPECT_EQ(static_cast<std::size_t>(world.sections.load()), trie.edges());
    EXPECT_EQ(r.counts.forks, 2u) << "after 0 1 (into 2 and 3) and after 0 1 2 (into 3 and 4)";
    EXPECT_EQ(r.counts.databases, 2u) << "the root's two children start empty";
    EXPECT_EQ(r.counts.reads, kOrders.size());
    for (const auto& o : r.outcomes) {
      EXPECT_FALSE(o.failure);
      EXPECT_EQ(o.model.objects.size(), 5u);
      EXPECT_EQ(o.model, r.outcomes[0].model);
    }
  }
}

TEST(TrieReplay, ReplaysThePrefixWhenASiteCannotFork) {
  FakeWorld world;
    fill(world, 5);
  world.can_fork = false;
  TrieRun r = run(world, kOrders, 2);
  OrderTrie trie(kOrders);
  EXPECT_EQ(r.counts.forks, 0u);
  EXPECT_EQ(r.counts.databases, 4u);
  EXPECT_EQ(r.counts.sections, trie.edges() + 2 + 3) << "the prefixes 0 1 and 0 1 2 again";
  for (const auto& o : r.outcomes) EXPECT_EQ(o.model, r.outcomes[0].model);
}

TEST(TrieReplay, AFailureInASharedPrefixEndsEveryOrderThroughIt) {
  FakeWorld world;
    fill(world, 5);
  world.up[1] = testing::drop("missing");
  TrieRun r = run(world, kOrders, 2);
  for (std::size_t k = 0; k < 3; ++k) {
    ASSERT_TRUE(r.outcomes[k].failure) << k;
    EXPECT_EQ(r.outcomes[k].failure->id, "m/1");
  }
  ASSERT_TRUE(r.outcomes[3].failure);
  EXPECT_EQ(r.outcomes[3].failure->id, "m/1");
  EXPECT_EQ(r.counts.sections, 2u + 1u) << "0 1 on one branch, 1 on the other; nothing after";
}

TEST(TrieReplay, OrdersThatEndDifferentlyKeepTheirOwnOutcome) {
  FakeWorld world;
    fill(world, 5);
  world.up[3] = testing::replace("v", "three");
  world.up[4] = testing::replace("v", "four");
  TrieRun r = run(world, kOrders, 3);
  EXPECT_EQ(*r.outcomes[0].model.find(SchemaKind::kTable, "v")->property("definition"), "four");
  EXPECT_EQ(*r.outcomes[1].model.find(SchemaKind::kTable, "v")->property("definition"), "three");
  EXPECT_EQ(r.outcomes[2].model, r.outcomes[0].model);
  EXPECT_EQ(r.outcomes[3].model, r.outcomes[0].model);
}

TEST(TrieReplay, NoMigrationsIsTheEmptySchema) {
  FakeWorld world;
  TrieRun r = run(world, {{}}, 1);
  ASSERT_EQ(r.outcomes.size(), 1u);
  EXPECT_FALSE(r.outcomes[0].failure);
  EXPECT_TRUE(r.outcomes[0].model.objects.empty());
  EXPECT_EQ(r.counts.reads, 1u);
}

}  // namespace
}  // namespace trellis
