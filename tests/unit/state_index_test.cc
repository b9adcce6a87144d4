// StateIndex: rows by id, and resolved per node of a graph (rows, highest applied
// migration of each feature, rows without a migration).
#include <gtest/gtest.h>

#include <utility>

#include "test_project.h"
#include "trellis/integrity.h"
#include "trellis/plan.h"

namespace trellis {
namespace {

using testing::mig;

StateRow row(const std::string& id, RecordStatus status = RecordStatus::kApplied) {
  StateRow r;
  r.id = id;
  r.checksum = "sum-" + id;
  r.status = status;
  return r;
}

TEST(StateIndex, ByNodeMatchesFindAndSortsOrphansById) {
  std::vector<Migration> ms = {mig("billing/0001_a"), mig("core/0001_x"), mig("core/0002_y")};
  Graph g(ms);
  StateIndex state({row("zeta/0001_gone"), row("core/0001_x"), row("alpha/0001_gone"),
                    row("billing/0001_a", RecordStatus::kFailed)});
  const auto& rows = state.by_node(g);
  ASSERT_EQ(rows.by_node.size(), 3u);
  for (Node n = 0; n < g.size(); ++n) EXPECT_EQ(rows.by_node[n], state.find(g.at(n).id)) << g.at(n).id;
  EXPECT_EQ(rows.by_node[2], nullptr);
  ASSERT_EQ(rows.orphans.size(), 2u);
  EXPECT_EQ(rows.orphans[0]->id, "alpha/0001_gone");
  EXPECT_EQ(rows.orphans[1]->id, "zeta/0001_gone");
  EXPECT_TRUE(state.applied(g, 1));
  EXPECT_FALSE(state.applied(g, 0)) << "failed is not applied";
  EXPECT_EQ(rows.top_applied[0], std::nullopt) << "billing has nothing applied";
  EXPECT_EQ(rows.top_applied[2], std::optional<Node>(1));
}

// The graph does not require a feature's migrations to be next to each other: the
// highest applied one is still the feature's, across the gap.
TEST(StateIndex, HighestAppliedSpansAFeatureSplitByAnother) {
  std::vector<Migration> ms = {mig("billing/0001_a"), mig("billing/0002_b"), mig("search/0001_s"),
                               mig("billing/0003_c")};
  Graph g(ms);
  StateIndex state({row("billing/0001_a"), row("billing/0003_c")});
  const auto& rows = state.by_node(g);
  EXPECT_EQ(rows.top_applied[0], std::optional<Node>(3));
  EXPECT_EQ(rows.top_applied[1], std::optional<Node>(3));
  EXPECT_EQ(rows.top_applied[2], std::nullopt);
  auto findings = integrity_findings(g, state);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].code, "out-of-order");
  EXPECT_EQ(findings[0].id, "billing/0002_b");
}

TEST(StateIndex, ResolvesAgainForAnotherGraph) {
  std::vector<Migration> one = {mig("core/0001_x")};
  std::vector<Migration> two = {mig("billing/0001_a"), mig("core/0001_x")};
  Graph g1(one), g2(two);
  StateIndex state({row("core/0001_x")});
  EXPECT_EQ(state.by_node(g1).by_node.size(), 1u);
  EXPECT_TRUE(state.applied(g2, 1));
  EXPECT_FALSE(state.applied(g2, 0));
  EXPECT_TRUE(state.applied(g1, 0));
}

TEST(StateIndex, MovingKeepsLookupsAndForgetsNothingStale) {
  std::vector<Migration> ms = {mig("core/0001_x"), mig("core/0002_y")};
  Graph g(ms);
  StateIndex a({row("core/0002_y")});
  EXPECT_TRUE(a.applied(g, 1));
  StateIndex b = std::move(a);
  EXPECT_TRUE(b.applied(g, 1)) << "row pointers survive the move";
  EXPECT_NE(b.find("core/0002_y"), nullptr) << "keys are views of the moved rows";
  EXPECT_EQ(a.by_node(g).by_node.size(), 2u) << "the moved-from index resolves again";  // NOLINT(bugprone-use-after-move)
  EXPECT_FALSE(a.applied(g, 1));  // NOLINT(bugprone-use-after-move)
}

}  // namespace
}  // namespace trellis
