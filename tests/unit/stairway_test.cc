#include "engine/stairway.h"

#include <gtest/gtest.h>

#include "fake_sites.h"
#include "test_project.h"

namespace trellis {
namespace {

using testing::FakeSites;
using testing::FakeWorld;
using testing::mig;

Migration reversible(const std::string& id) {
  Migration m = mig(id);
  m.down = {true, "SELECT 1;", 5, true};
  return m;
}

struct Fixture {
  std::vector<Migration> ms;
  std::unique_ptr<Graph> graph;
  FakeWorld world;
  explicit Fixture(std::vector<Migration> migrations) : ms(std::move(migrations)), graph(std::make_unique<Graph>(ms)) {
    for (Node n = 0; n < graph->size(); ++n) world.ids.push_back(graph->at(n).id);
  }
  Node at(const std::string& id) const { return *graph->find(id); }
  StairwayResult run() {
    FakeSites sites(world);
    return run_stairway(sites, *graph, graph->topo_order(std::vector<bool>(graph->size(), true)));
  }
};

TEST(Stairway, DownsThatUndoTheirUpsHold) {
  Fixture f({reversible("a/0001_x"), reversible("a/0002_x"), mig("b/0001_x"), reversible("b/0002_x")});
  f.world.up[f.at("a/0001")] = testing::create("t");
  f.world.down[f.at("a/0001")] = testing::drop("t");
  f.world.up[f.at("a/0002")] = testing::create("ix");
  f.world.down[f.at("a/0002")] = testing::drop("ix");
  f.world.up[f.at("b/0001")] = testing::create("u");  // irreversible: up only
  f.world.up[f.at("b/0002")] = testing::replace("v", "b2");
  f.world.down[f.at("b/0002")] = testing::drop("v");
  StairwayResult r = f.run();
  EXPECT_TRUE(r.problems.empty());
  EXPECT_FALSE(r.stopped);
  EXPECT_EQ(r.checked, 3u);
  EXPECT_EQ(r.counts.sections, 3u * 3u + 1u);
  EXPECT_EQ(r.counts.reads, 3u * 2u) << "before each reversible up, after its down";
  EXPECT_EQ(r.counts.databases, 1u);
}

TEST(Stairway, ADownThatLeavesAnObjectBehind) {
  Fixture f({reversible("a/0001_x"), reversible("a/0002_x")});
  f.world.up[f.at("a/0001")] = testing::all_of({testing::create("t"), testing::create("ix_t")});
  f.world.down[f.at("a/0001")] = testing::drop("t");
  f.world.up[f.at("a/0002")] = testing::create("w");
  f.world.down[f.at("a/0002")] = testing::drop("w");
  StairwayResult r = f.run();
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].node, f.at("a/0001"));
  EXPECT_EQ(r.problems[0].type, StairwayProblem::Type::kDownDiffers);
  ASSERT_EQ(r.problems[0].differences.size(), 1u);
  EXPECT_EQ(r.problems[0].differences[0].type, SchemaDifference::Type::kUnexpected);
  EXPECT_EQ(r.problems[0].differences[0].name, "ix_t");
  EXPECT_EQ(r.checked, 2u) << "the next migration is still checked, on a rebuilt database";
  EXPECT_EQ(r.counts.databases, 2u);
}

TEST(Stairway, ADownThatRemovesTooMuch) {
  Fixture f({reversible("a/0001_x"), reversible("b/0001_x")});
  f.world.up[f.at("a/0001")] = testing::create("users");
  f.world.down[f.at("a/0001")] = testing::drop("users");
  f.world.up[f.at("b/0001")] = testing::create("orders");
  f.world.down[f.at("b/0001")] = testing::all_of({testing::drop("orders"), testing::drop("users")});
  StairwayResult r = f.run();
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].node, f.at("b/0001"));
  ASSERT_EQ(r.problems[0].differences.size(), 1u);
  EXPECT_EQ(r.problems[0].differences[0].type, SchemaDifference::Type::kMissing);
  EXPECT_EQ(r.problems[0].differences[0].name, "users");
}

TEST(Stairway, ADownThatFails) {
  Fixture f({reversible("a/0001_x")});
  f.world.up[f.at("a/0001")] = testing::create("t");
  f.world.down[f.at("a/0001")] = testing::drop("tt");
  StairwayResult r = f.run();
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].type, StairwayProblem::Type::kDownFails);
  ASSERT_TRUE(r.problems[0].failure);
  EXPECT_TRUE(r.problems[0].failure->down);
  EXPECT_NE(r.problems[0].failure->error.find("\"tt\""), std::string::npos);
}

// The up inserts a row with a fixed key; the no-op down keeps it, so the up fails again.
TEST(Stairway, AnUpThatFailsTheSecondTime) {
  Fixture f({reversible("a/0001_x"), reversible("a/0002_x")});
  f.world.up[f.at("a/0001")] = testing::create("t");
  f.world.down[f.at("a/0001")] = testing::drop("t");
  f.world.up[f.at("a/0002")] = testing::create("row:t:1");
  f.world.down[f.at("a/0002")] = testing::nothing();
  StairwayResult r = f.run();
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].node, f.at("a/0002"));
  EXPECT_EQ(r.problems[0].type, StairwayProblem::Type::kSecondUpFails);
  ASSERT_TRUE(r.problems[0].failure);
  EXPECT_FALSE(r.problems[0].failure->down);
}

TEST(Stairway, StopsWhereAnUpFailsTheFirstTime) {
  Fixture f({reversible("a/0001_x"), reversible("a/0002_x"), reversible("a/0003_x")});
  f.world.up[f.at("a/0002")] = testing::drop("nothing");
  StairwayResult r = f.run();
  ASSERT_TRUE(r.stopped);
  EXPECT_EQ(r.stopped->id, "a/0002_x");
  EXPECT_TRUE(r.problems.empty());
  EXPECT_EQ(r.checked, 1u);
}

TEST(Stairway, TakesBatchedBackfillsAndIrreversibleMigrationsUpOnly) {
  Migration batch = reversible("a/0002_x");
  batch.batch = BatchSpec{};
  EXPECT_FALSE(stairway_applies(batch));
  EXPECT_FALSE(stairway_applies(mig("a/0001_x")));
  Migration noop = mig("a/0003_x");
  noop.down = {true, "-- nothing", 5, false};
  EXPECT_TRUE(stairway_applies(noop)) << "a no-op down keeps what the up made: worth checking";
}


TEST(Stairway, RangesCoverTheOrderOnceWithSmallerRangesLater) {
  auto ranges = stairway_ranges(1000, 2);
  ASSERT_EQ(ranges.size(), 2u);
  EXPECT_EQ(ranges[0].first, 0u);
  EXPECT_EQ(ranges[0].second, ranges[1].first);
  EXPECT_EQ(ranges[1].second, 1000u);
  EXPECT_EQ(ranges[0].second, 707u) << "at 1000 * sqrt(1/2): reads cost more as the schema grows";
  EXPECT_EQ(stairway_ranges(3, 8).size(), 3u);
  EXPECT_EQ(stairway_ranges(0, 2), (std::vector<std::pair<std::size_t, std::size_t>>{{0, 0}}));
  auto four = stairway_ranges(10, 4);
  for (std::size_t k = 1; k < four.size(); ++k) EXPECT_EQ(four[k].first, four[k - 1].second);
  EXPECT_EQ(four.back().second, 10u);
}

// A stairway cut into ranges finds what one stairway over the whole order finds.
TEST(Stairway, RangesMergeIntoTheWholeStairway) {
  Fixture f({reversible("a/0001_x"), reversible("a/0002_x"), reversible("a/0003_x"), reversible("a/0004_x")});
  for (const char* id : {"a/0001", "a/0002", "a/0003", "a/0004"}) {
    std::string t = std::string("t") + id[5];
    f.world.up[f.at(id)] = testing::create(t);
    f.world.down[f.at(id)] = testing::drop(t);
  }
  f.world.down[f.at("a/0001")] = testing::nothing();
  f.world.down[f.at("a/0004")] = testing::nothing();
  FakeSites sites(f.world);
  auto order = f.graph->topo_order(std::vector<bool>(f.graph->size(), true));
  std::vector<StairwayResult> parts;
  for (auto [b, e] : stairway_ranges(order.size(), 3)) parts.push_back(run_stairway(sites, *f.graph, order, b, e));
  StairwayResult merged = merge_stairways(std::move(parts));
  StairwayResult whole = f.run();
  EXPECT_EQ(merged.checked, whole.checked);
  ASSERT_EQ(merged.problems.size(), 2u);
  ASSERT_EQ(whole.problems.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(merged.problems[i].node, whole.problems[i].node);
    ASSERT_EQ(merged.problems[i].differences.size(), 1u);
    EXPECT_EQ(merged.problems[i].differences[0].name, whole.problems[i].differences[0].name);
  }
}

TEST(Stairway, RangesAfterAFailingUpAreLeftOut) {
  Fixture f({reversible("a/0001_x"), reversible("a/0002_x"), reversible("a/0003_x"), reversible("a/0004_x")});
  f.world.up[f.at("a/0002")] = testing::drop("nothing");
  FakeSites sites(f.world);
  auto order = f.graph->topo_order(std::vector<bool>(f.graph->size(), true));
  std::vector<StairwayResult> parts;
  parts.push_back(run_stairway(sites, *f.graph, order, 0, 2));
  parts.push_back(run_stairway(sites, *f.graph, order, 2, 4));
  StairwayResult merged = merge_stairways(std::move(parts));
  ASSERT_TRUE(merged.stopped);
  EXPECT_EQ(merged.stopped->id, "a/0002_x");
  EXPECT_EQ(merged.checked, 1u);
}

}  // namespace
}  // namespace trellis
