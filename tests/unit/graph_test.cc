#include "trellis/graph.h"

#include <gtest/gtest.h>

#include "test_project.h"
#include "trellis/error.h"

namespace trellis {
namespace {

using testing::mig;

std::string error_of(const std::vector<Migration>& ms) {
  try {
    Graph g(ms);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

std::vector<Node> as_vector(std::span<const Node> nodes) { return {nodes.begin(), nodes.end()}; }

std::vector<std::string> order_ids(const Graph& g) {
  std::vector<std::string> ids;
  for (Node n : g.topo_order(std::vector<bool>(g.size(), true))) ids.push_back(g.at(n).id);
  return ids;
}

TEST(Graph, ChainsAndRequires) {
  std::vector<Migration> ms = {mig("billing/0001_a", {"core/0002"}), mig("billing/0002_b"),
                               mig("core/0001_x"), mig("core/0002_y")};
  Graph g(ms);
  EXPECT_EQ(as_vector(g.dependencies(1)), (std::vector<Node>{0}));
  EXPECT_EQ(as_vector(g.dependencies(0)), (std::vector<Node>{3}));
  EXPECT_EQ(as_vector(g.dependents(3)), (std::vector<Node>{0}));
  EXPECT_EQ(as_vector(g.dependents(0)), (std::vector<Node>{1}));
  EXPECT_EQ(as_vector(g.required(0)), (std::vector<Node>{3}));
  EXPECT_TRUE(g.required(1).empty()) << "the chain edge is not a require";
  EXPECT_TRUE(g.depends_on(1, 2));
  EXPECT_FALSE(g.depends_on(2, 1));
  EXPECT_EQ(order_ids(g), (std::vector<std::string>{"core/0001_x", "core/0002_y", "billing/0001_a", "billing/0002_b"}));
}

TEST(Graph, DeterministicTieBreakByNumberThenId) {
  std::vector<Migration> ms = {mig("b/0001_x"), mig("b/0002_x"), mig("a/0001_x"), mig("a/0003_x")};
  std::sort(ms.begin(), ms.end(), [](auto& x, auto& y) { return x.id < y.id; });
  Graph g(ms);
  EXPECT_EQ(order_ids(g), (std::vector<std::string>{"a/0001_x", "b/0001_x", "b/0002_x", "a/0003_x"}));
}

// Independent features interleave by number value, whatever the width: leading zeros
// do not count, and numbers past 19 digits (beyond 64-bit integers) still compare.
TEST(Graph, NumbersOfAnyWidthOrderByValue) {
  std::vector<Migration> ms = {mig("a/000000000000000000000000002_x"), mig("b/0000000000000000000001_x"),
                               mig("c/99999999999999999999_x"), mig("d/9999999999999999999_x"),
                               mig("e/100000000000000000000_x"), mig("f/20261120093000_x")};
  Graph g(ms);
  EXPECT_EQ(order_ids(g),
            (std::vector<std::string>{"b/0000000000000000000001_x", "a/000000000000000000000000002_x",
                                      "f/20261120093000_x", "d/9999999999999999999_x", "c/99999999999999999999_x",
                                      "e/100000000000000000000_x"}));
}

TEST(Graph, CycleIsReportedCanonically) {
  std::vector<Migration> ms = {mig("a/0001_x", {"b/0001"}), mig("b/0001_y", {"c/0001"}), mig("c/0001_z", {"a/0001"})};
  EXPECT_EQ(error_of(ms), "dependency cycle: a/0001_x -> b/0001_y -> c/0001_z -> a/0001_x");
  // The same cycle found from another start is written the same way.
  std::vector<Migration> ms2 = {mig("a/0001_x", {"c/0001"}), mig("b/0001_y", {"a/0001"}), mig("c/0001_z", {"b/0001"})};
  EXPECT_EQ(error_of(ms2), "dependency cycle: a/0001_x -> c/0001_z -> b/0001_y -> a/0001_x");
}

TEST(Graph, CycleThroughChain) {
  std::vector<Migration> ms = {mig("a/0001_x"), mig("a/0002_y", {"b/0001"}), mig("b/0001_z", {"a/0001"}),
                               mig("b/0002_w"), mig("a/0003_v")};
  ms[0].requirements.push_back({"b/0002", 1});
  EXPECT_EQ(error_of(ms), "dependency cycle: a/0001_x -> b/0002_w -> b/0001_z -> a/0001_x");
}

TEST(Graph, DanglingRequires) {
  std::vector<Migration> ms = {mig("core/0001_x"), mig("b/0002_y", {"core/0009"})};
  EXPECT_EQ(error_of(ms), "migrations/b/0002_y.sql:1: requires 'core/0009', which does not exist");
}

TEST(Graph, DanglingOrSelfConflictsAreErrors) {
  std::vector<Migration> ms = {mig("core/0001_x"), mig("b/0002_y")};
  ms[1].conflicts.push_back({"core/0009", 3});
  EXPECT_EQ(error_of(ms), "migrations/b/0002_y.sql:3: conflicts with 'core/0009', which does not exist");
  ms[1].conflicts = {{"b/0002", 2}};
  EXPECT_EQ(error_of(ms), "migrations/b/0002_y.sql:2: conflicts with 'b/0002', which is itself");
  ms[1].conflicts = {{"core/0001", 2}};
  EXPECT_EQ(error_of(ms), "") << "a conflict orders nothing and is no error";
}

TEST(Graph, SlugMismatchIsAnError) {
  std::vector<Migration> ms = {mig("core/0001_x"), mig("b/0001_y", {"core/0001_users"})};
  EXPECT_EQ(error_of(ms), "migrations/b/0001_y.sql:1: requires 'core/0001_users', but that migration is 'core/0001_x'");
}

TEST(Graph, RequiresLaterMigrationOfOwnFeature) {
  std::vector<Migration> ms = {mig("core/0001_x", {"core/0002"}), mig("core/0002_y")};
  EXPECT_EQ(error_of(ms), "migrations/core/0001_x.sql:1: requires 'core/0002', a later migration of its own feature");
}

TEST(Graph, FindAcceptsShortAndFullIds) {
  std::vector<Migration> ms = {mig("core/0001_x"), mig("core/0010_y")};
  Graph g(ms);
  EXPECT_EQ(g.find("core/0010"), Node{1});
  EXPECT_EQ(g.find("core/10"), Node{1});
  EXPECT_EQ(g.find("core/0010_y"), Node{1});
  EXPECT_FALSE(g.find("core/0010_z").has_value());
  EXPECT_FALSE(g.find("core").has_value());
}

TEST(Graph, SubsetOrderRespectsDependencies) {
  std::vector<Migration> ms = {mig("a/0001_x"), mig("a/0002_y"), mig("b/0001_z", {"a/0002"})};
  Graph g(ms);
  std::vector<bool> subset = {false, true, true};
  auto order = g.topo_order(subset);
  ASSERT_EQ(order.size(), 2u);
  EXPECT_EQ(order[0], Node{1});
  EXPECT_EQ(order[1], Node{2});
}

}  // namespace
}  // namespace trellis
