// embed_api_test.cc — the embedding API (trellis/trellis.h): an application opens its
// project, plans, applies, reads the status and checks "is the schema at least at X"
// through the same use cases as the command line, on both backends.
#include <algorithm>

#include "harness.h"
#include "trellis/trellis.h"

namespace trellis_test {
namespace {

class EmbedApiTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    prod_ = another_db("prod");
    project_.write("trellis.toml",
                   "[project]\n"
                   "default_env = \"dev\"\n"
                   "\n"
                   "[env.dev]\n"
                   "database = \"" + db_->url() + "\"\n"
                   "features = \"all\"\n"
                   "allow_contract = true\n"
                   "\n"
                   "[env.production]\n"
                   "database = \"" + prod_->url() + "\"\n"
                   "features = [\"core\", \"billing\"]\n");
    project_.write_migration("core", "0001_users.sql", migration("", "CREATE TABLE users (id integer primary key);"));
    project_.write_migration("core", "0002_drop_old.sql",
                             migration("-- phase: contract", "CREATE TABLE core_contract_marker (id integer);"));
    project_.write_migration("billing", "0001_invoices.sql",
                             migration("-- requires: core/0001_users", "CREATE TABLE invoices (id integer primary key);"));
    project_.write_migration("search", "0001_docs.sql", migration("", "CREATE TABLE docs (id integer);"));
  }

  std::vector<std::string> problem_ids(const trellis::SchemaCheck& c) {
    std::vector<std::string> ids;
    for (const auto& p : c.problems) ids.push_back(p.id);
    return ids;
  }

  std::unique_ptr<TestDb> prod_;
};

TEST_P(EmbedApiTest, SessionPlansAppliesAndReportsStatusAsTheCommandLine) {
  trellis::Session session(project_.root(), "dev");
  EXPECT_EQ(session.environment(), "dev");
  trellis::PlanSummary plan = session.plan();
  ASSERT_TRUE(plan.errors.empty());
  std::vector<std::string> planned;
  for (const auto& s : plan.steps) planned.push_back(s.id);
  EXPECT_EQ(planned, (std::vector<std::string>{"core/0001_users", "billing/0001_invoices", "search/0001_docs",
                                               "core/0002_drop_old"}));
  EXPECT_FALSE(db_->state_exists()) << "plan is read-only";

  std::vector<std::string> told;
  trellis::ApplySummary applied = session.apply({}, [&](const trellis::AppliedStep& s) { told.push_back(s.id); });
  EXPECT_TRUE(applied.ok()) << applied.exit_status;
  ASSERT_EQ(applied.steps.size(), 4u);
  for (const auto& s : applied.steps) EXPECT_EQ(s.result, "applied") << s.id << ": " << s.error;
  EXPECT_EQ(told, planned);
  EXPECT_EQ(db_->applied_ids(), (std::vector<std::string>{"billing/0001_invoices", "core/0001_users",
                                                         "core/0002_drop_old", "search/0001_docs"}));

  trellis::StatusSummary status = session.status();
  ASSERT_EQ(status.features.size(), 3u);
  EXPECT_EQ(status.features[1].name, "core");
  EXPECT_EQ(status.features[1].applied, 2);
  EXPECT_EQ(status.features[1].head, "core/0002_drop_old");
  RunResult cli_status = project_.run({"status", "--json"});
  ASSERT_EQ(cli_status.exit_code, 0) << cli_status.describe();
  auto cli = parse_json(cli_status.out);
  for (const auto& m : status.migrations) EXPECT_EQ(find_id(cli["migrations"], m.id)["state"], m.state) << m.id;
  EXPECT_TRUE(session.apply().steps.empty()) << "nothing left to do";
}

TEST_P(EmbedApiTest, ApplyHoldsBackUnreleasedFeaturesAndReportsFailures) {
  project_.write_migration("billing", "0002_bad.sql", migration("", "INSERT INTO no_such_table VALUES (1);"));
  trellis::Session session(project_.root(), "production");
  trellis::ApplySummary r = session.apply();
  EXPECT_EQ(r.exit_status, 1);
  std::vector<std::string> results;
  for (const auto& s : r.steps) results.push_back(s.id + "=" + s.result);
  EXPECT_EQ(results, (std::vector<std::string>{"core/0001_users=applied", "billing/0001_invoices=applied",
                                               "billing/0002_bad=failed"}));
  EXPECT_NE(r.steps[2].error.find("statement 1"), std::string::npos) << r.steps[2].error;
  EXPECT_FALSE(prod_->has_table("docs")) << "search is not released in production";
}

TEST_P(EmbedApiTest, RequireSchemaNamesEveryMissingMigrationAndNeverWrites) {
  trellis::SchemaCheck before = trellis::require_schema(project_.root(), "production");
  EXPECT_FALSE(before.ok());
  // Released features only (no search), contract migrations left out by default.
  EXPECT_EQ(problem_ids(before), (std::vector<std::string>{"billing/0001_invoices", "core/0001_users"}));
  EXPECT_EQ(before.problems[0].reason, "not applied");
  EXPECT_EQ(before.required, 2u);
  EXPECT_NE(before.explain().find("missing 2 of 2"), std::string::npos) << before.explain();
  EXPECT_FALSE(prod_->state_exists()) << "the check must not create trellis' tables";
  if (is_sqlite()) {
    EXPECT_FALSE(file_exists(project_.path("prod.db"))) << "nor the SQLite file";
  }

  ASSERT_EQ(project_.run({"-e", "production", "apply"}).exit_code, 0);
  trellis::SchemaCheck after = trellis::require_schema(project_.root(), "production");
  EXPECT_TRUE(after.ok()) << after.explain();
  trellis::RequireOptions with_contract;
  with_contract.include_contract = true;
  EXPECT_EQ(problem_ids(trellis::require_schema(project_.root(), "production", with_contract)),
            std::vector<std::string>{"core/0002_drop_old"});
}

TEST_P(EmbedApiTest, RequireSchemaOfNamedMigrationsIncludesWhatTheyDependOn) {
  trellis::RequireOptions billing;
  billing.required = {"billing/0001"};
  trellis::SchemaCheck c = trellis::require_schema(project_.root(), "dev", billing);
  EXPECT_EQ(c.required, 2u);
  EXPECT_EQ(problem_ids(c), (std::vector<std::string>{"billing/0001_invoices", "core/0001_users"}));
  ASSERT_EQ(project_.run({"apply", "--to", "core/0001_users"}).exit_code, 0);
  trellis::RequireOptions core;
  core.required = {"core/0001", "core/0001_users"};
  EXPECT_TRUE(trellis::require_schema(project_.root(), "dev", core).ok());
  trellis::RequireOptions feature;
  feature.required = {"core"};  // the whole chain this build knows
  EXPECT_EQ(problem_ids(trellis::require_schema(project_.root(), "dev", feature)),
            std::vector<std::string>{"core/0002_drop_old"});
  trellis::RequireOptions unknown;
  unknown.required = {"core/0009_future"};
  try {
    trellis::require_schema(project_.root(), "dev", unknown);
    ADD_FAILURE() << "an id the build does not ship is a usage error";
  } catch (const trellis::Error& e) {
    EXPECT_EQ(e.kind(), trellis::ErrorKind::kUsage);
    EXPECT_NE(std::string(e.what()).find("core/0009_future"), std::string::npos);
  }
}

TEST_P(EmbedApiTest, RequireSchemaRefusesAnEditedAppliedFileAndAFailedOne) {
  project_.write_migration("search", "0002_bad.sql", migration("", "INSERT INTO no_such_table VALUES (1);"));
  ASSERT_EQ(project_.run({"apply"}).exit_code, 1);
  project_.write_migration("core", "0001_users.sql",
                           migration("", "CREATE TABLE users (id integer primary key, email text);"));
  trellis::SchemaCheck c = trellis::require_schema(project_.root(), "dev");
  ASSERT_EQ(problem_ids(c), (std::vector<std::string>{"core/0001_users", "search/0002_bad"}));
  EXPECT_EQ(c.problems[0].reason.rfind("edited since it was applied (checksum in the database ", 0), 0u)
      << c.problems[0].reason;
  EXPECT_EQ(c.problems[1].reason.rfind("failed: ", 0), 0u) << c.problems[1].reason;
}

TEST_P(EmbedApiTest, RequireSchemaTakesADatabaseUrlWithTheDefaultEnvironmentsReleases) {
  ASSERT_EQ(project_.run({"apply"}).exit_code, 0);
  trellis::SchemaCheck c = trellis::require_schema(project_.root(), prod_->url());
  EXPECT_EQ(c.environment, "dev");
  EXPECT_EQ(problem_ids(c), (std::vector<std::string>{"billing/0001_invoices", "core/0001_users",
                                                     "search/0001_docs"}));
  EXPECT_TRUE(trellis::require_schema(project_.root(), db_->url()).ok());
}

TRELLIS_BACKENDS(EmbedApiTest);

}  // namespace
}  // namespace trellis_test
