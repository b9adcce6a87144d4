// trellis adopt on PostgreSQL: a database migrated by the other tool (its SQL run by psql,
// its history table written as the tool writes it) is taken over: the imported migrations
// are recorded as applied (history `adopt`), `apply` then runs nothing and `status` is
// clean, a new migration alone applies; the other tool's table is left as it was. A dirty
// or failed source state, and versions the imported files lack, are refused with nothing
// recorded; --dry-run records nothing.
#include <gtest/gtest.h>

#include "import_support.h"

namespace trellis_test {
namespace {

const std::string kA = "CREATE TABLE a (id int);\n";
const std::string kB = "ALTER TABLE a ADD COLUMN b text;\n";
const std::string kC = "CREATE INDEX CONCURRENTLY a_b ON a (b);\n";

class AdoptPgTest : public ::testing::Test {
 protected:
  void SetUp() override {
    TRELLIS_REQUIRE_PG_OR_SKIP(server);
    db_ = make_db("postgres", project_.root(), "adopt");
    configure_scripted(project_, db_->url());
  }
  void import(const Fixture& f) {
    write_fixture(project_, f);
    RunResult r = project_.run({"import", "--from", f.tool, project_.path("source")});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    run_with_psql(project_, db_->url(), f.ups);
  }
  int trellis_rows() { return db_->state_exists() ? static_cast<int>(db_->state_rows().size()) : 0; }

  TestProject project_;
  std::unique_ptr<TestDb> db_;
};

Fixture golang() {
  return {"golang-migrate",
          {{"1_a.up.sql", kA}, {"1_a.down.sql", "DROP TABLE a;\n"}, {"2_b.up.sql", kB}, {"3_c.up.sql", kC}},
          {kA, kB, kC}};
}

TEST_F(AdoptPgTest, GolangMigrateTakenOverThenOnlyNewWorkApplies) {
  import(golang());
  db_->exec("CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL);"
            "INSERT INTO schema_migrations VALUES (3, false);");
  RunResult dry = project_.run({"adopt", "--from", "golang-migrate", "--dry-run"});
  ASSERT_EQ(dry.exit_code, 0) << dry.describe();
  EXPECT_NE(dry.out.find("Would record 3 migration(s)"), std::string::npos) << dry.out;
  EXPECT_NE(dry.out.find("core/3_c  <- 3"), std::string::npos) << dry.out;
  EXPECT_EQ(trellis_rows(), 0);

  RunResult adopt = project_.run({"adopt", "--from", "golang-migrate"});
  ASSERT_EQ(adopt.exit_code, 0) << adopt.describe();
  EXPECT_EQ(db_->applied_ids(), (std::vector<std::string>{"core/1_a", "core/2_b", "core/3_c"}));
  EXPECT_EQ(db_->history_count("core/2_b", "adopt"), 1);
  EXPECT_EQ(db_->query("SELECT version, dirty FROM schema_migrations"), (std::vector<std::string>{"3|f"}));

  RunResult apply = project_.run({"apply", "--json"});
  ASSERT_EQ(apply.exit_code, 0) << apply.describe();
  EXPECT_EQ(db_->history_count("core/1_a", "apply"), 0);
  RunResult status = project_.run({"status"});
  EXPECT_EQ(status.exit_code, 0) << status.describe();
  RunResult check = project_.run({"check", "--offline"});
  EXPECT_EQ(check.exit_code, 0) << check.describe();

  project_.write_migration("core", "4_d.sql", migration("", "ALTER TABLE a ADD COLUMN d int;"));
  RunResult more = project_.run({"apply"});
  ASSERT_EQ(more.exit_code, 0) << more.describe();
  EXPECT_EQ(db_->history_count("core/4_d", "apply"), 1);
  EXPECT_EQ(db_->history_count("core/3_c", "apply"), 0);
  // Adopting again finds everything recorded and changes nothing.
  RunResult again = project_.run({"adopt", "--from", "golang-migrate"});
  ASSERT_EQ(again.exit_code, 0) << again.describe();
  EXPECT_NE(again.out.find("3 already recorded"), std::string::npos) << again.out;
}

TEST_F(AdoptPgTest, GolangMigrateDirtyIsRefused) {
  import(golang());
  db_->exec("CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL);"
            "INSERT INTO schema_migrations VALUES (2, true);");
  RunResult r = project_.run({"adopt", "--from", "golang-migrate"});
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_NE(r.err.find("version 2 dirty"), std::string::npos) << r.describe();
  EXPECT_NE(r.err.find("migrate force 2"), std::string::npos) << r.describe();
  EXPECT_EQ(trellis_rows(), 0);
}

TEST_F(AdoptPgTest, VersionsTheFilesLackAreRefused) {
  import(golang());
  db_->exec("CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL);"
            "INSERT INTO schema_migrations VALUES (7, false);");
  RunResult r = project_.run({"adopt", "--from", "golang-migrate"});
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_NE(r.err.find("the imported files lack: 7"), std::string::npos) << r.describe();
  EXPECT_EQ(trellis_rows(), 0);
}

TEST_F(AdoptPgTest, NoHistoryTableIsAClearError) {
  import(golang());
  RunResult r = project_.run({"adopt", "--from", "golang-migrate"});
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_NE(r.err.find("cannot read schema_migrations"), std::string::npos) << r.describe();
}

// Flyway's history as Flyway writes it: versioned rows, an undone one, a repeatable.
const char* kFlywayHistory =
    "CREATE TABLE flyway_schema_history (installed_rank int PRIMARY KEY, version varchar(50), description "
    "varchar(200) NOT NULL, type varchar(20) NOT NULL, script varchar(1000) NOT NULL, checksum int, installed_by "
    "varchar(100) NOT NULL, installed_on timestamp NOT NULL DEFAULT now(), execution_time int NOT NULL, success "
    "boolean NOT NULL);";

TEST_F(AdoptPgTest, FlywayVersionsAndRepeatables) {
  const std::string view = "CREATE VIEW v AS SELECT 1 AS x;\n";
  import({"flyway", {{"V1__a.sql", kA}, {"V1.1__b.sql", kB}, {"V2__c.sql", kC}, {"R__v.sql", view}}, {kA, kB, kC, view}});
  db_->exec(std::string(kFlywayHistory) +
            "INSERT INTO flyway_schema_history VALUES"
            " (1, '1', 'a', 'SQL', 'V1__a.sql', 1, 'me', now(), 1, true),"
            " (2, '1.1', 'b', 'SQL', 'V1.1__b.sql', 2, 'me', now(), 1, true),"
            " (3, '2', 'c', 'SQL', 'V2__c.sql', 3, 'me', now(), 1, true),"
            " (4, NULL, 'v', 'SQL', 'R__v.sql', 4, 'me', now(), 1, true);");
  RunResult adopt = project_.run({"adopt", "--from", "flyway"});
  ASSERT_EQ(adopt.exit_code, 0) << adopt.describe();
  EXPECT_EQ(db_->applied_ids(), (std::vector<std::string>{"core/0001_a", "core/0002_b", "core/0003_c", "core/0004_v"}));
  project_.write_migration("core", "0005_d.sql", migration("", "ALTER TABLE a ADD COLUMN d int;"));
  RunResult apply = project_.run({"apply"});
  ASSERT_EQ(apply.exit_code, 0) << apply.describe();
  EXPECT_EQ(db_->history_count("core/0005_d", "apply"), 1);
  EXPECT_EQ(db_->history_count("core/0001_a", "apply"), 0);
}

TEST_F(AdoptPgTest, FlywayUndoneAndBaselinedVersions) {
  import({"flyway", {{"V1__a.sql", kA}, {"V2__b.sql", kB}, {"V3__c.sql", kC}, {"U3__c.sql", "DROP INDEX a_b;\n"}},
          {kA, kB}});
  // Baselined at 1 (V1 never ran through Flyway), V2 and V3 applied, V3 undone.
  db_->exec(std::string(kFlywayHistory) +
            "INSERT INTO flyway_schema_history VALUES"
            " (1, '1', '<< Flyway Baseline >>', 'BASELINE', '<< Flyway Baseline >>', NULL, 'me', now(), 0, true),"
            " (2, '2', 'b', 'SQL', 'V2__b.sql', 2, 'me', now(), 1, true),"
            " (3, '3', 'c', 'SQL', 'V3__c.sql', 3, 'me', now(), 1, true),"
            " (4, '3', 'c', 'UNDO_SQL', 'U3__c.sql', 4, 'me', now(), 1, true);");
  RunResult adopt = project_.run({"adopt", "--from", "flyway"});
  ASSERT_EQ(adopt.exit_code, 0) << adopt.describe();
  EXPECT_EQ(db_->applied_ids(), (std::vector<std::string>{"core/1_a", "core/2_b"}));
}

TEST_F(AdoptPgTest, FlywayFailedRowIsRefused) {
  import({"flyway", {{"V1__a.sql", kA}, {"V2__b.sql", kB}}, {kA}});
  db_->exec(std::string(kFlywayHistory) +
            "INSERT INTO flyway_schema_history VALUES"
            " (1, '1', 'a', 'SQL', 'V1__a.sql', 1, 'me', now(), 1, true),"
            " (2, '2', 'b', 'SQL', 'V2__b.sql', 2, 'me', now(), 1, false);");
  RunResult r = project_.run({"adopt", "--from", "flyway"});
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_NE(r.err.find("flyway repair"), std::string::npos) << r.describe();
  EXPECT_EQ(trellis_rows(), 0);
}

TEST_F(AdoptPgTest, GooseAndDieselHistories) {
  import({"goose",
          {{"1_a.sql", "-- +goose Up\n" + kA}, {"2_b.sql", "-- +goose Up\n" + kB}, {"3_c.sql", "-- +goose Up\n" + kC}},
          {kA, kB}});
  // goose keeps every up and down as a row; the latest row of a version decides.
  db_->exec("CREATE TABLE goose_db_version (id serial PRIMARY KEY, version_id bigint NOT NULL, is_applied boolean "
            "NOT NULL, tstamp timestamp DEFAULT now());"
            "INSERT INTO goose_db_version (version_id, is_applied) VALUES (0, true), (1, true), (2, true), (3, true),"
            " (3, false);");
  RunResult adopt = project_.run({"adopt", "--from", "goose"});
  ASSERT_EQ(adopt.exit_code, 0) << adopt.describe();
  EXPECT_EQ(db_->applied_ids(), (std::vector<std::string>{"core/1_a", "core/2_b"}));
}

}  // namespace
}  // namespace trellis_test
