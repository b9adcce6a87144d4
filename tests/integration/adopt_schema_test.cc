// adopt compares the live schema with the replay of what it would record (issue 13): on
// SQLite and PostgreSQL, a database migrated by a faithful script of golang-migrate's
// bookkeeping, with one column added by hand, is refused (exit 2, every difference listed,
// the ways forward named, nothing recorded), by --dry-run alike; --no-schema-check adopts
// anyway; once the hand-made column is gone, adopt records and says the schema matches.
// golang-migrate's own table (and its SQLite index) is not part of the comparison.
#include "harness.h"
#include "import_support.h"

namespace trellis_test {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

const std::string kA = "CREATE TABLE a (id integer PRIMARY KEY);\n";
const std::string kB = "ALTER TABLE a ADD COLUMN b text;\n";

class AdoptSchemaTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    project_.write_config(TomlBuilder()
                              .set("defaults", "lock_wait", "0s")
                              .set("env.dev", "database", db_->url())
                              .set("env.dev", "features", "all"));
    project_.write("source/1_a.up.sql", kA);
    project_.write("source/1_a.down.sql", "DROP TABLE a;\n");
    project_.write("source/2_b.up.sql", kB);
    RunResult r = project_.run({"import", "--from", "golang-migrate", project_.path("source")});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
  }

  // What golang-migrate does, per migration: its table (as its driver creates it), the
  // version set dirty, the migration run, the version set clean.
  void migrate_like_golang_migrate() {
    db_->exec(is_sqlite() ? "CREATE TABLE IF NOT EXISTS schema_migrations (version uint64, dirty bool);"
                            "CREATE UNIQUE INDEX IF NOT EXISTS version_unique ON schema_migrations (version);"
                          : "CREATE TABLE IF NOT EXISTS schema_migrations (version bigint NOT NULL PRIMARY KEY, "
                            "dirty boolean NOT NULL);");
    const std::string t = is_sqlite() ? "1" : "true", f = is_sqlite() ? "0" : "false";
    int version = 0;
    for (const std::string& sql : {kA, kB}) {
      std::string v = std::to_string(++version);
      db_->exec("BEGIN; DELETE FROM schema_migrations; INSERT INTO schema_migrations (version, dirty) VALUES (" + v +
                ", " + t + "); COMMIT;");
      db_->exec(sql);
      db_->exec("BEGIN; DELETE FROM schema_migrations; INSERT INTO schema_migrations (version, dirty) VALUES (" + v +
                ", " + f + "); COMMIT;");
    }
  }
  int trellis_rows() { return db_->state_exists() ? static_cast<int>(db_->state_rows().size()) : 0; }
  void expect_refused(const RunResult& r) {
    EXPECT_EQ(r.exit_code, 2) << r.describe();
    EXPECT_TRUE(contains(r.err, "differs from what the 2 migration(s)")) << r.describe();
    EXPECT_TRUE(contains(r.err, "extra")) << r.describe();
    EXPECT_TRUE(contains(r.err, "not made by the migrations adopted")) << r.describe();
    EXPECT_FALSE(contains(r.err, "schema_migrations")) << r.describe();
    EXPECT_TRUE(contains(r.err, "--no-schema-check")) << r.describe();
    EXPECT_TRUE(contains(r.err, "nothing was recorded")) << r.describe();
    EXPECT_EQ(trellis_rows(), 0);
  }
};

TEST_P(AdoptSchemaTest, AHandMadeColumnIsRefusedUntilSettled) {
  migrate_like_golang_migrate();
  db_->exec("ALTER TABLE a ADD COLUMN extra integer;");
  expect_refused(project_.run({"adopt", "--from", "golang-migrate", "--dry-run"}));
  expect_refused(project_.run({"adopt", "--from", "golang-migrate"}));

  RunResult anyway = project_.run({"adopt", "--from", "golang-migrate", "--dry-run", "--no-schema-check"});
  EXPECT_EQ(anyway.exit_code, 0) << anyway.describe();
  EXPECT_TRUE(contains(anyway.out, "Would record 2 migration(s)")) << anyway.out;
  EXPECT_EQ(trellis_rows(), 0);

  db_->exec("ALTER TABLE a DROP COLUMN extra;");
  RunResult adopt = project_.run({"adopt", "--from", "golang-migrate"});
  ASSERT_EQ(adopt.exit_code, 0) << adopt.describe();
  EXPECT_TRUE(contains(adopt.out, "The live schema matches")) << adopt.out;
  EXPECT_EQ(db_->applied_ids(), (std::vector<std::string>{"core/1_a", "core/2_b"}));
  RunResult status = project_.run({"status"});
  EXPECT_EQ(status.exit_code, 0) << status.describe();
}

TEST_P(AdoptSchemaTest, DriftIgnoreLeavesObjectsOut) {
  migrate_like_golang_migrate();
  db_->exec("CREATE TABLE audit_log (id integer);");
  project_.write_config(TomlBuilder()
                            .set("defaults", "lock_wait", "0s")
                            .set("env.dev", "database", db_->url())
                            .set("env.dev", "features", "all")
                            .lines("drift", "ignore = [\"table:audit_*\"]"));
  RunResult adopt = project_.run({"adopt", "--from", "golang-migrate"});
  ASSERT_EQ(adopt.exit_code, 0) << adopt.describe();
  EXPECT_EQ(db_->applied_ids(), (std::vector<std::string>{"core/1_a", "core/2_b"}));
}

// A SQLite file that is not there has no history to adopt: refused, and not created.
TEST_P(AdoptSchemaTest, ADatabaseFileThatDoesNotExistIsRefused) {
  if (!is_sqlite()) GTEST_SKIP() << "a server's database either exists or is unreachable";
  RunResult r = project_.run({"--database", "sqlite:missing.db", "adopt", "--from", "golang-migrate"});
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_TRUE(contains(r.err, "missing.db does not exist, so golang-migrate has no history there")) << r.describe();
  EXPECT_FALSE(file_exists(project_.path("missing.db")));
}

TRELLIS_BACKENDS(AdoptSchemaTest);

}  // namespace
}  // namespace trellis_test
