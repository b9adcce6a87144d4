#include "trellis/plan.h"

#include <gtest/gtest.h>

#include <map>

#include "test_project.h"
#include "trellis/error.h"

namespace trellis {
namespace {

using testing::mig;

struct Fixture {
  std::vector<Migration> ms;
  Environment env;
  std::vector<StateRow> rows;

  Plan plan(PlanOptions o = {}) {
    Graph g(ms);
    graph_ids.clear();
    for (Node n = 0; n < g.size(); ++n) graph_ids.push_back(g.at(n).id);
    return make_plan(g, env, StateIndex(rows), o);
  }
  std::vector<std::string> steps(const Plan& p) {
    std::vector<std::string> out;
    for (auto& s : p.steps) out.push_back(graph_ids[s.node]);
    return out;
  }
  void applied(const std::string& id) {
    StateRow r;
    r.id = id;
    r.status = RecordStatus::kApplied;
    rows.push_back(r);
  }
  std::vector<std::string> graph_ids;
};

Fixture shop() {
  Fixture f;
  f.ms = {mig("billing/0001_invoices", {"core/0001"}), mig("billing/0002_index"),
          mig("core/0001_users"), mig("core/0002_email"),
          mig("search/0001_docs", {"core/0002"}), mig("search/0002_index")};
  f.env.name = "production";
  f.env.all_features = false;
  f.env.features = {"core", "billing"};
  return f;
}

TEST(Planner, OnlyReleasedFeaturesAreApplied) {
  auto f = shop();
  Plan p = f.plan();
  EXPECT_EQ(f.steps(p), (std::vector<std::string>{"core/0001_users", "billing/0001_invoices",
                                                  "billing/0002_index", "core/0002_email"}));
  ASSERT_EQ(p.held.size(), 2u);
  EXPECT_EQ(p.held[0].reason, HoldReason::kUnreleasedFeature);
  EXPECT_EQ(p.held[0].detail, "feature 'search' is not released in production");
  EXPECT_TRUE(p.errors.empty());
}

TEST(Planner, AppliedMigrationsAreNotPending) {
  auto f = shop();
  f.applied("core/0001_users");
  f.applied("billing/0001_invoices");
  Plan p = f.plan();
  EXPECT_EQ(f.steps(p), (std::vector<std::string>{"billing/0002_index", "core/0002_email"}));
}

TEST(Planner, ReleasedRequiringUnreleasedIsHeldBackWithItsDependents) {
  auto f = shop();
  f.ms.push_back(mig("billing/0003_search_link", {"search/0001"}));
  f.ms.push_back(mig("billing/0004_after"));
  f.ms.push_back(mig("core/0003_more", {"billing/0004"}));
  Plan p = f.plan();
  EXPECT_TRUE(p.errors.empty());
  EXPECT_EQ(f.steps(p), (std::vector<std::string>{"core/0001_users", "billing/0001_invoices",
                                                  "billing/0002_index", "core/0002_email"}));
  std::map<std::string, const Held*> held;
  for (const auto& h : p.held) held[f.graph_ids[h.node]] = &h;
  ASSERT_TRUE(held.count("billing/0003_search_link"));
  EXPECT_EQ(held["billing/0003_search_link"]->reason, HoldReason::kUnreleasedDependency);
  EXPECT_EQ(held["billing/0003_search_link"]->detail,
            "requires search/0001_docs, but feature 'search' is not released in production: "
            "release 'search' in production, or pass --with-dependencies");
  for (const char* id : {"billing/0004_after", "core/0003_more"}) {
    ASSERT_TRUE(held.count(id)) << id;
    EXPECT_EQ(held[id]->reason, HoldReason::kHeldDependency) << id;
    EXPECT_TRUE(held[id]->incomplete()) << id;
  }
  EXPECT_FALSE(held["search/0001_docs"]->incomplete()) << "an unreleased feature's own migrations are expected";
  auto incomplete = p.incomplete();
  ASSERT_EQ(incomplete.size(), 3u);
  EXPECT_EQ(f.graph_ids[incomplete[0].node], "billing/0003_search_link");
}

TEST(Planner, AnUnreleasedDependencyDecidesOverAContractHold) {
  auto f = shop();
  f.ms.push_back(mig("billing/0003_drop", {}, Phase::kContract));
  f.ms.push_back(mig("core/0003_both", {"billing/0003", "search/0002"}));
  Plan p = f.plan();
  for (const auto& h : p.held) {
    if (f.graph_ids[h.node] != "core/0003_both") continue;
    EXPECT_EQ(h.reason, HoldReason::kUnreleasedDependency) << h.detail;
    return;
  }
  ADD_FAILURE() << "core/0003_both is not held back";
}

TEST(Planner, WithDependenciesPullsInExactlyWhatIsRequired) {
  auto f = shop();
  f.ms.push_back(mig("billing/0003_search_link", {"search/0001"}));
  PlanOptions o;
  o.with_dependencies = true;
  Plan p = f.plan(o);
  EXPECT_TRUE(p.errors.empty());
  auto ids = f.steps(p);
  EXPECT_NE(std::find(ids.begin(), ids.end(), "search/0001_docs"), ids.end());
  EXPECT_EQ(std::find(ids.begin(), ids.end(), "search/0002_index"), ids.end());
  for (auto& s : p.steps) {
    if (f.graph_ids[s.node] == "search/0001_docs") {
      EXPECT_TRUE(s.pulled_in);
    }
  }
}

TEST(Planner, ContractHeldUnlessAllowed) {
  auto f = shop();
  f.ms.push_back(mig("core/0003_drop_name", {}, Phase::kContract));
  f.ms.push_back(mig("core/0004_after"));
  Plan p = f.plan();
  auto ids = f.steps(p);
  EXPECT_EQ(std::find(ids.begin(), ids.end(), "core/0003_drop_name"), ids.end());
  bool contract = false, dependent = false;
  for (auto& h : p.held) {
    contract |= f.graph_ids[h.node] == "core/0003_drop_name" && h.reason == HoldReason::kContractNotAllowed;
    dependent |= f.graph_ids[h.node] == "core/0004_after" && h.reason == HoldReason::kHeldDependency;
  }
  EXPECT_TRUE(contract);
  EXPECT_TRUE(dependent);
  PlanOptions o;
  o.contract = true;
  EXPECT_EQ(f.plan(o).steps.size(), 6u);
}

TEST(Planner, FeatureFilterBringsDependencies) {
  auto f = shop();
  PlanOptions o;
  o.features = {"billing"};
  Plan p = f.plan(o);
  EXPECT_EQ(f.steps(p), (std::vector<std::string>{"core/0001_users", "billing/0001_invoices", "billing/0002_index"}));
  EXPECT_TRUE(p.steps[0].pulled_in);
  EXPECT_FALSE(p.steps[1].pulled_in);
}

TEST(Planner, ToStopsAtMigrationAndDependencies) {
  auto f = shop();
  PlanOptions o;
  o.to = "billing/0001";
  EXPECT_EQ(f.steps(f.plan(o)), (std::vector<std::string>{"core/0001_users", "billing/0001_invoices"}));
}

TEST(Planner, UnknownFeatureOrTargetIsUsageError) {
  auto f = shop();
  PlanOptions o;
  o.features = {"nope"};
  EXPECT_THROW(f.plan(o), Error);
  PlanOptions t;
  t.to = "core/0042";
  EXPECT_THROW(f.plan(t), Error);
}

TEST(Planner, LateMergeInOtherFeatureNeedsNoReordering) {
  auto f = shop();
  f.applied("core/0001_users");
  f.applied("core/0002_email");
  f.ms.push_back(mig("audit/0001_log"));
  Plan p = f.plan();
  EXPECT_TRUE(p.errors.empty());
}

TEST(Planner, OutOfOrderInsideOneFeature) {
  auto f = shop();
  f.ms = {mig("core/0001_users"), mig("core/0002_email"), mig("core/0003_more")};
  f.applied("core/0001_users");
  f.applied("core/0003_more");
  Plan p = f.plan();
  ASSERT_EQ(p.errors.size(), 1u);
  EXPECT_NE(p.errors[0].message.find("core/0002_email is numbered below an applied migration"), std::string::npos);
  PlanOptions o;
  o.allow_out_of_order = true;
  Plan allowed = f.plan(o);
  EXPECT_TRUE(allowed.errors.empty());
  EXPECT_EQ(f.steps(allowed), (std::vector<std::string>{"core/0002_email"}));
}

TEST(Planner, FailedMigrationIsRetried) {
  auto f = shop();
  StateRow failed;
  failed.id = "core/0001_users";
  failed.status = RecordStatus::kFailed;
  f.rows.push_back(failed);
  Plan p = f.plan();
  EXPECT_EQ(f.steps(p).front(), "core/0001_users");
}

}  // namespace
}  // namespace trellis
