// unreleased_dependency_test.cc — a released migration requiring an unreleased feature
// (scenario 4).
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
    project_.write_migration("search", "0001_index.sql",
                             migration("", "CREATE TABLE search_docs (id integer);"));
    project_.write_migration("search", "0002_extra.sql",
                             migration("", "CREATE TABLE search_extra (id integer);"));
  }
};

TEST_P(UnreleasedDependencyTest, ApplyRefusesWithTheDocumentedMessage) {
  RunResult apply = project_.run({"apply"});
  EXPECT_EQ(apply.exit_code, 2) << apply.describe();
  EXPECT_NE(apply.err.find("trellis: error: billing/0002_search_link requires search/0001_index, "
                           "but feature 'search' is not released in production"),
            std::string::npos)
      << apply.describe();
  EXPECT_NE(apply.err.find("  hint: release 'search' in production, or pass "
                           "--with-dependencies"),
            std::string::npos)
      << apply.describe();
  EXPECT_TRUE(db_->applied_ids().empty()) << "nothing may be applied";
  EXPECT_TRUE(db_->tables().empty());
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
  EXPECT_EQ(doc["pending"].size(), 4u) << plan.out;
}

TEST_P(UnreleasedDependencyTest, WithDependenciesAppliesExactlyTheRequiredMigration) {
  RunResult apply = project_.run({"apply", "--with-dependencies"});
  ASSERT_EQ(apply.exit_code, 0) << apply.describe();
  EXPECT_EQ(db_->applied_ids(),
            (std::vector<std::string>{"billing/0001_invoices", "billing/0002_search_link",
                                      "core/0001_init", "search/0001_index"}));
  EXPECT_TRUE(db_->has_table("search_docs"));
  EXPECT_FALSE(db_->has_table("search_extra")) << "the rest of 'search' must stay out";

  // Now satisfied: a plain apply has nothing to do and still holds search/0002 back.
  RunResult again = project_.run({"apply"});
  EXPECT_EQ(again.exit_code, 0) << again.describe();
  EXPECT_FALSE(db_->has_table("search_extra"));
  EXPECT_EQ(db_->history().size(), 4u);
}

TRELLIS_BACKENDS(UnreleasedDependencyTest);

}  // namespace
}  // namespace trellis_test
