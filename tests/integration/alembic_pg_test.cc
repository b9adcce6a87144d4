// trellis import --from alembic and adopt --from alembic on PostgreSQL, against the real
// Alembic: the project of alembic_fixture.h is imported and applied by trellis to one
// database and upgraded by `alembic upgrade heads` on another; both schemas (pg_dump -s,
// without alembic_version and trellis' schema) are equal. A database Alembic migrated is
// adopted: its heads' ancestors are recorded, `apply` then runs nothing, `status` is clean,
// a new migration alone applies, and alembic_version is left as it was.
#include <gtest/gtest.h>

#include "alembic_fixture.h"

namespace trellis_test {
namespace {

const std::vector<std::string> kAlembicTable = {"alembic_version"};

class AlembicPgTest : public ::testing::Test {
 protected:
  void SetUp() override {
    TRELLIS_REQUIRE_ALEMBIC_OR_SKIP();
    TRELLIS_REQUIRE_PG_OR_SKIP(server);
    url_ = server->create_database();
    alembic_db_ = make_db("postgres", project_.root(), "alembic");
    configure_scripted(project_, url_);
    for (const auto& [path, content] : alembic_project()) project_.write("source/" + path, content);
    RunResult imported = project_.run({"import", "--from", "alembic", project_.path("source")});
    ASSERT_EQ(imported.exit_code, 0) << imported.describe();
  }

  // Alembic itself, on the second database.
  void alembic(const std::vector<std::string>& args) {
    RunResult r = run_alembic(project_.path("source"), alembic_db_->url(), args);
    ASSERT_EQ(r.exit_code, 0) << r.describe();
  }
  // trellis on the database Alembic migrated.
  RunResult on_alembic_db(std::vector<std::string> args) {
    args.insert(args.begin(), {"--database", alembic_db_->url()});
    return project_.run(args);
  }

  TestProject project_;
  std::string url_;
  std::unique_ptr<TestDb> alembic_db_;
};

TEST_F(AlembicPgTest, ImportedHistoryBuildsWhatAlembicBuilds) {
  RunResult applied = project_.run({"apply"});
  ASSERT_EQ(applied.exit_code, 0) << applied.describe();
  alembic({"upgrade", "heads"});
  std::string ours = schema_dump(url_, kAlembicTable);
  EXPECT_NE(ours.find("CREATE VIEW public.user_totals"), std::string::npos) << ours;
  EXPECT_NE(ours.find("CREATE INDEX orders_user "), std::string::npos) << ours;
  EXPECT_EQ(ours.find("alembic_version"), std::string::npos) << ours;
  EXPECT_EQ(ours, schema_dump(alembic_db_->url(), kAlembicTable));
  RunResult status = project_.run({"status"});
  EXPECT_EQ(status.exit_code, 0) << status.describe();
  // The downs came along: the merge's view goes, then the concurrent index (outside a
  // transaction, as Alembic's autocommit block ran it).
  RunResult back = project_.run({"rollback", "--yes", "core/0003"});
  ASSERT_EQ(back.exit_code, 0) << back.describe();
  std::string after = schema_dump(url_);
  EXPECT_EQ(after.find("user_totals"), std::string::npos) << after;
  EXPECT_EQ(after.find("CREATE INDEX orders_user "), std::string::npos) << after;
}

TEST_F(AlembicPgTest, AdoptedDatabaseRunsOnlyNewWork) {
  alembic({"upgrade", "heads"});
  std::vector<std::string> heads = alembic_db_->query("SELECT version_num FROM alembic_version");
  ASSERT_EQ(heads, (std::vector<std::string>{"merge1"}));

  RunResult dry = on_alembic_db({"adopt", "--from", "alembic", "--dry-run"});
  ASSERT_EQ(dry.exit_code, 0) << dry.describe();
  EXPECT_NE(dry.out.find("Would record 6 migration(s) as applied, from alembic's alembic_version"), std::string::npos)
      << dry.out;
  EXPECT_NE(dry.out.find("  billing/0001_invoices  <- bill01  checksum "), std::string::npos) << dry.out;
  EXPECT_NE(dry.out.find("  core/0004_merge  <- merge1  checksum "), std::string::npos) << dry.out;
  EXPECT_FALSE(alembic_db_->state_exists() && !alembic_db_->state_rows().empty());

  RunResult adopt = on_alembic_db({"adopt", "--from", "alembic"});
  ASSERT_EQ(adopt.exit_code, 0) << adopt.describe();
  EXPECT_EQ(alembic_db_->applied_ids(),
            (std::vector<std::string>{"billing/0001_invoices", "billing/0002_invoice_total", "core/0001_users",
                                      "core/0002_orders", "core/0003_orders_user", "core/0004_merge"}));
  EXPECT_EQ(alembic_db_->history_count("core/0001_users", "adopt"), 1);
  EXPECT_EQ(alembic_db_->query("SELECT version_num FROM alembic_version"), heads);

  RunResult apply = on_alembic_db({"apply"});
  ASSERT_EQ(apply.exit_code, 0) << apply.describe();
  EXPECT_EQ(alembic_db_->history_count("core/0001_users", "apply"), 0);
  RunResult status = on_alembic_db({"status"});
  EXPECT_EQ(status.exit_code, 0) << status.describe();
  // The live schema Alembic built is the one a replay of the adopted migrations builds.
  RunResult check = on_alembic_db({"check"});
  EXPECT_EQ(check.exit_code, 0) << check.describe();

  project_.write_migration("core", "0005_phone.sql", migration("", "ALTER TABLE users ADD COLUMN phone text;"));
  RunResult more = on_alembic_db({"apply"});
  ASSERT_EQ(more.exit_code, 0) << more.describe();
  EXPECT_EQ(alembic_db_->history_count("core/0005_phone", "apply"), 1);
  EXPECT_EQ(alembic_db_->history_count("core/0004_merge", "apply"), 0);
  EXPECT_EQ(alembic_db_->query("SELECT version_num FROM alembic_version"), heads);
}

TEST_F(AlembicPgTest, AdoptingABranchHeadRecordsItsAncestorsAndDependencies) {
  // bill01 depends_on core01, so Alembic keeps one row: bill02.
  alembic({"upgrade", "bill02"});
  ASSERT_EQ(alembic_db_->query("SELECT version_num FROM alembic_version"), (std::vector<std::string>{"bill02"}));
  RunResult adopt = on_alembic_db({"adopt", "--from", "alembic"});
  ASSERT_EQ(adopt.exit_code, 0) << adopt.describe();
  EXPECT_EQ(alembic_db_->applied_ids(),
            (std::vector<std::string>{"billing/0001_invoices", "billing/0002_invoice_total", "core/0001_users"}));
  RunResult apply = on_alembic_db({"apply"});
  ASSERT_EQ(apply.exit_code, 0) << apply.describe();
  EXPECT_EQ(alembic_db_->history_count("core/0002_orders", "apply"), 1);
  EXPECT_EQ(alembic_db_->history_count("billing/0001_invoices", "apply"), 0);
  RunResult full = project_.run({"apply"});
  ASSERT_EQ(full.exit_code, 0) << full.describe();
  EXPECT_EQ(schema_dump(alembic_db_->url(), kAlembicTable), schema_dump(url_, kAlembicTable));
}

TEST_F(AlembicPgTest, HeadsTheImportedFilesLackAreRefused) {
  alembic({"upgrade", "core02"});
  alembic_db_->exec("UPDATE alembic_version SET version_num = 'f00dfeed0001'");
  RunResult r = on_alembic_db({"adopt", "--from", "alembic"});
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_NE(r.err.find("alembic_version records alembic version(s) the imported files lack: f00dfeed0001"),
            std::string::npos)
      << r.describe();
  EXPECT_NE(r.err.find("import the migration files this database was migrated with"), std::string::npos)
      << r.describe();
  EXPECT_FALSE(alembic_db_->state_exists() && !alembic_db_->state_rows().empty());
}

// env.py names its own version table: adopt reads it, and leaves it out of the schema
// it compares (it is Alembic's bookkeeping, made by no migration).
TEST(AlembicVersionTable, AdoptReadsAndIgnoresTheVersionTableEnvPyNames) {
  TRELLIS_REQUIRE_ALEMBIC_OR_SKIP();
  TRELLIS_REQUIRE_PG_OR_SKIP(server);
  TestProject project;
  configure_scripted(project, server->create_database());
  auto alembic_db = make_db("postgres", project.root(), "alembic");
  for (auto [path, content] : alembic_project()) {
    if (path == "env.py") {
      for (const char* call : {"context.configure(url=url, literal_binds=True", "context.configure(connection=connection"}) {
        std::size_t at = content.find(call);
        ASSERT_NE(at, std::string::npos) << call;
        content.insert(at + std::string(call).size(), ", version_table=\"app_versions\"");
      }
    }
    project.write("source/" + path, content);
  }
  RunResult imported = project.run({"import", "--from", "alembic", project.path("source")});
  ASSERT_EQ(imported.exit_code, 0) << imported.describe();
  RunResult upgraded = run_alembic(project.path("source"), alembic_db->url(), {"upgrade", "heads"});
  ASSERT_EQ(upgraded.exit_code, 0) << upgraded.describe();
  ASSERT_EQ(alembic_db->query("SELECT version_num FROM app_versions"), (std::vector<std::string>{"merge1"}));
  RunResult adopt = project.run({"--database", alembic_db->url(), "adopt", "--from", "alembic"});
  ASSERT_EQ(adopt.exit_code, 0) << adopt.describe();
  EXPECT_NE(adopt.out.find("from alembic's app_versions"), std::string::npos) << adopt.out;
  EXPECT_EQ(alembic_db->applied_ids().size(), 6u);
}

}  // namespace
}  // namespace trellis_test
