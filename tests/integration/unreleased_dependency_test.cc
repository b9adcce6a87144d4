// unreleased_dependency_test.cc — a released migration requiring an unreleased feature
// (scenario 4): held back with its dependents, everything independent still applies.
#include "harness.h"

namespace trellis_test {
namespace {

class UnreleasedDependencyTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    project_.write("trellis.toml",
                   "[env.production]\n"
                   "database = \"" + db_->url() + "\"\n"
                   "features = [\"core\", \"billing\"]\n");
    project_.write_migration("core", "0001_init.sql",
                             migration("", "CREATE TABLE core_users (id integer primary key);"));
    project_.write_migration("billing", "0001_invoices.sql",
                             migration("-- requires: core/0001",
                                       "CREATE TABLE invoices (id integer primary key);"));
    project_.write_migration("billing", "0002_search_link.sql",
                             migration("-- requires: search/0001_index",
                                       "CREATE TABLE invoice_search (id integer);"));
    project_.write_migration("billing", "0003_after_link.sql",
                             migration("", "CREATE TABLE invoice_after (id integer);"));
    project_.write_migration("search", "0001_index.sql",
                             migration("", "CREATE TABLE search_docs (id integer);"));
    project_.write_migration("search", "0002_extra.sql",
                             migration("", "CREATE TABLE search_extra (id integer);"));
  }
};

TEST_P(UnreleasedDependencyTest, ApplyHoldsBackTheMigrationAndItsDependentsAndAppliesTheRest) {
  RunResult apply = project_.run({"apply"});
  EXPECT_EQ(apply.exit_code, 1) << apply.describe();
  EXPECT_EQ(db_->applied_ids(), (std::vector<std::string>{"billing/0001_invoices", "core/0001_init"}))
      << apply.describe();
  EXPECT_EQ(db_->tables(), (std::vector<std::string>{"core_users", "invoices"}));
  // The summary names what was held back, why, and the two ways out.
  EXPECT_NE(apply.out.find("billing/0002_search_link"), std::string::npos) << apply.describe();
  EXPECT_NE(apply.out.find("unreleased-dependency"), std::string::npos) << apply.describe();
  EXPECT_NE(apply.out.find("'search'"), std::string::npos) << apply.describe();
  EXPECT_NE(apply.out.find("--with-dependencies"), std::string::npos) << apply.describe();
  EXPECT_NE(apply.out.find("billing/0003_after_link"), std::string::npos) << apply.describe();
  EXPECT_NE(apply.out.find("Summary: 2 applied, 0 failed, 0 blocked, 2 held back"), std::string::npos)
      << apply.describe();

  // Nothing more can apply, and the run still says why it is incomplete.
  RunResult again = project_.run({"apply"});
  EXPECT_EQ(again.exit_code, 1) << again.describe();
  EXPECT_NE(again.out.find("billing/0002_search_link"), std::string::npos) << again.describe();
  EXPECT_NE(again.out.find("unreleased-dependency"), std::string::npos) << again.describe();
  EXPECT_EQ(db_->applied_ids().size(), 2u);
}

TEST_P(UnreleasedDependencyTest, PlanNamesTheHeldMigrationTheFeatureAndTheWayOut) {
  RunResult plan = project_.run({"plan", "--json"});
  EXPECT_EQ(plan.exit_code, 1) << plan.describe();
  nlohmann::json doc = parse_json(plan.out);
  ASSERT_TRUE(doc.is_object());
  EXPECT_TRUE(doc["errors"].empty()) << plan.out;
  EXPECT_TRUE(find_id(doc["pending"], "core/0001_init").is_object()) << plan.out;
  EXPECT_TRUE(find_id(doc["pending"], "billing/0001_invoices").is_object()) << plan.out;
  nlohmann::json held = find_id(doc["held_back"], "billing/0002_search_link");
  ASSERT_TRUE(held.is_object()) << plan.out;
  EXPECT_EQ(held.value("reason", ""), "unreleased-dependency");
  std::string detail = held.value("detail", "");
  EXPECT_NE(detail.find("search/0001_index"), std::string::npos) << detail;
  EXPECT_NE(detail.find("release 'search' in production"), std::string::npos) << detail;
  EXPECT_NE(detail.find("--with-dependencies"), std::string::npos) << detail;
  nlohmann::json dependent = find_id(doc["held_back"], "billing/0003_after_link");
  ASSERT_TRUE(dependent.is_object()) << plan.out;
  EXPECT_EQ(dependent.value("reason", ""), "held-dependency");

  RunResult text = project_.run({"plan"});
  EXPECT_EQ(text.exit_code, 1) << text.describe();
  EXPECT_NE(text.out.find("unreleased-dependency"), std::string::npos) << text.describe();
  EXPECT_TRUE(db_->applied_ids().empty()) << "plan must not apply anything";
}

TEST_P(UnreleasedDependencyTest, ApplyJsonListsTheHeldMigrations) {
  RunResult apply = project_.run({"apply", "--json"});
  EXPECT_EQ(apply.exit_code, 1) << apply.describe();
  nlohmann::json doc = parse_json(apply.out);
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(doc.value("applied", -1), 2) << apply.out;
  EXPECT_EQ(doc.value("held", -1), 2) << apply.out;
  nlohmann::json held = find_id(doc["held_back"], "billing/0002_search_link");
  ASSERT_TRUE(held.is_object()) << apply.out;
  EXPECT_EQ(held.value("reason", ""), "unreleased-dependency");
  EXPECT_TRUE(find_id(doc["held_back"], "search/0002_extra").is_null())
      << "an unreleased feature's own migrations are not an incomplete run:\n" << apply.out;
}

TEST_P(UnreleasedDependencyTest, PlanWithDependenciesPullsInOnlyTheRequiredMigration) {
  RunResult plan = project_.run({"plan", "--with-dependencies", "--json"});
  ASSERT_EQ(plan.exit_code, 0) << plan.describe();
  nlohmann::json doc = parse_json(plan.out);
  ASSERT_TRUE(doc.is_object());
  nlohmann::json pulled = find_id(doc["pending"], "search/0001_index");
  ASSERT_TRUE(pulled.is_object()) << plan.out;
  EXPECT_EQ(pulled["pulled_in"], true);
  EXPECT_EQ(find_id(doc["pending"], "core/0001_init")["pulled_in"], false);
  EXPECT_TRUE(find_id(doc["pending"], "search/0002_extra").is_null()) << plan.out;
  nlohmann::json held = find_id(doc["held_back"], "search/0002_extra");
  ASSERT_TRUE(held.is_object()) << plan.out;
  EXPECT_EQ(held.value("reason", ""), "unreleased-feature");
  EXPECT_EQ(doc["pending"].size(), 5u) << plan.out;
}

TEST_P(UnreleasedDependencyTest, WithDependenciesAppliesExactlyTheRequiredMigration) {
  RunResult apply = project_.run({"apply", "--with-dependencies"});
  ASSERT_EQ(apply.exit_code, 0) << apply.describe();
  EXPECT_EQ(db_->applied_ids(),
            (std::vector<std::string>{"billing/0001_invoices", "billing/0002_search_link",
                                      "billing/0003_after_link", "core/0001_init",
                                      "search/0001_index"}));
  EXPECT_TRUE(db_->has_table("search_docs"));
  EXPECT_FALSE(db_->has_table("search_extra")) << "the rest of 'search' must stay out";

  // Now satisfied: a plain apply has nothing to do and still holds search/0002 back.
  RunResult again = project_.run({"apply"});
  EXPECT_EQ(again.exit_code, 0) << again.describe();
  EXPECT_FALSE(db_->has_table("search_extra"));
  EXPECT_EQ(db_->history().size(), 5u);
}

TRELLIS_BACKENDS(UnreleasedDependencyTest);

}  // namespace
}  // namespace trellis_test
