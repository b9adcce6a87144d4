// release_test.cc — only released features are applied in an environment (scenario 2).
#include "harness.h"

namespace trellis_test {
namespace {

class ReleaseTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    prod_ = another_db("prod");
    project_.write("trellis.toml",
                   "[env.dev]\n"
                   "database = \"" + db_->url() + "\"\n"
                   "features = \"all\"\n"
                   "\n"
                   "[env.production]\n"
                   "database = \"${TRELLIS_TEST_PROD_URL}\"\n"
                   "features = [\"core\", \"billing\"]\n");
    project_.write_migration("core", "0001_init.sql",
                             migration("", "CREATE TABLE core_users (id integer primary key);"));
    project_.write_migration("billing", "0001_invoices.sql",
                             migration("-- requires: core/0001_init",
                                       "CREATE TABLE invoices (id integer primary key);"));
    project_.write_migration("search", "0001_index.sql",
                             migration("", "CREATE TABLE search_docs (id integer);"));
    project_.write_migration("search", "0002_terms.sql",
                             migration("", "CREATE TABLE search_terms (id integer);"));
  }

  RunResult run_prod(std::vector<std::string> args) {
    args.insert(args.begin(), {"-e", "production"});
    return project_.run(args, {{"TRELLIS_TEST_PROD_URL", prod_->url()}});
  }

  std::unique_ptr<TestDb> prod_;
};

TEST_P(ReleaseTest, ProductionAppliesOnlyReleasedFeatures) {
  RunResult apply = run_prod({"apply"});
  ASSERT_EQ(apply.exit_code, 0) << apply.describe();
  EXPECT_EQ(prod_->applied_ids(),
            (std::vector<std::string>{"billing/0001_invoices", "core/0001_init"}));
  EXPECT_EQ(prod_->tables(), (std::vector<std::string>{"core_users", "invoices"}));
  EXPECT_TRUE(db_->tables().empty()) << "the dev database must not be touched";
  EXPECT_TRUE(db_->applied_ids().empty());

  RunResult dev = project_.run({"-e", "dev", "apply"});
  ASSERT_EQ(dev.exit_code, 0) << dev.describe();
  EXPECT_EQ(db_->applied_ids(),
            (std::vector<std::string>{"billing/0001_invoices", "core/0001_init",
                                      "search/0001_index", "search/0002_terms"}));
  EXPECT_EQ(db_->tables(), (std::vector<std::string>{"core_users", "invoices", "search_docs",
                                                     "search_terms"}));
  EXPECT_FALSE(prod_->has_table("search_docs"));
}

TEST_P(ReleaseTest, PlanHoldsBackUnreleasedFeature) {
  RunResult plan = run_prod({"plan", "--json"});
  ASSERT_EQ(plan.exit_code, 0) << plan.describe();
  nlohmann::json doc = parse_json(plan.out);
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(doc.value("environment", ""), "production");
  std::vector<std::string> pending;
  for (const auto& entry : doc["pending"]) pending.push_back(entry.value("id", ""));
  EXPECT_EQ(pending, (std::vector<std::string>{"core/0001_init", "billing/0001_invoices"}));
  for (const char* id : {"search/0001_index", "search/0002_terms"}) {
    nlohmann::json held = find_id(doc["held_back"], id);
    ASSERT_TRUE(held.is_object()) << id << " not held back:\n" << plan.out;
    EXPECT_EQ(held.value("reason", ""), "unreleased-feature");
    EXPECT_EQ(held.value("feature", ""), "search");
  }
  EXPECT_TRUE(prod_->applied_ids().empty()) << "plan must not apply anything";
  EXPECT_TRUE(prod_->tables().empty());

  ASSERT_EQ(run_prod({"apply"}).exit_code, 0);
  nlohmann::json after = parse_json(run_prod({"plan", "--json"}).out);
  EXPECT_TRUE(after["pending"].empty()) << after.dump();
  EXPECT_TRUE(find_id(after["held_back"], "search/0001_index").is_object());
}

TEST_P(ReleaseTest, StatusShowsUnreleasedAsHeld) {
  ASSERT_EQ(run_prod({"apply"}).exit_code, 0);
  RunResult status = run_prod({"status", "--json"});
  ASSERT_EQ(status.exit_code, 0) << status.describe();
  nlohmann::json doc = parse_json(status.out);
  auto states = states_of(doc);
  EXPECT_EQ(states["core/0001_init"], "applied");
  EXPECT_EQ(states["billing/0001_invoices"], "applied");
  EXPECT_EQ(states["search/0001_index"], "held");
  EXPECT_EQ(states["search/0002_terms"], "held");
  for (const auto& feature : doc["features"]) {
    std::string name = feature.value("name", "");
    EXPECT_EQ(feature["released"], name != "search") << name;
    if (name == "search") {
      EXPECT_EQ(feature.value("held", -1), 2);
    }
  }
  EXPECT_EQ(doc.value("environment", ""), "production");
  std::string database = doc.value("database", "");
  EXPECT_FALSE(database.empty());
  EXPECT_NE(database, db_->url()) << "status must name the production database";
  if (is_sqlite()) {
    EXPECT_NE(database.find("prod.db"), std::string::npos) << database;
  }
}

TEST_P(ReleaseTest, TrellisEnvSelectsTheEnvironment) {
  RunResult apply = project_.run(
      {"apply"}, {{"TRELLIS_ENV", "production"}, {"TRELLIS_TEST_PROD_URL", prod_->url()}});
  ASSERT_EQ(apply.exit_code, 0) << apply.describe();
  EXPECT_EQ(prod_->applied_ids().size(), 2u);
  EXPECT_TRUE(db_->applied_ids().empty());
}

TEST_P(ReleaseTest, DatabaseOptionOverridesTheEnvironmentUrl) {
  auto other = another_db("other");
  RunResult apply = project_.run({"-e", "dev", "--database", other->url(), "apply"});
  ASSERT_EQ(apply.exit_code, 0) << apply.describe();
  EXPECT_EQ(other->applied_ids().size(), 4u);
  EXPECT_TRUE(db_->applied_ids().empty());
}

TRELLIS_BACKENDS(ReleaseTest);

}  // namespace
}  // namespace trellis_test
