// diagnostic_output_test.cc — what the one Diagnostic type prints, exactly: every problem
// of a run at once, each as "file:line: message" (the source line and a caret where the
// parser knows the column), and the run's hint after them.
#include "harness.h"
#include "project/ids.h"

namespace trellis_test {
namespace {

class DiagnosticOutputTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    project_.write("trellis.toml",
                   "[env.dev]\n"
                   "database = \"" +
                       db_->url() +
                       "\"\n"
                       "features = [\"core\"]\n");
    project_.write_migration("core", "0001_init.sql",
                             migration("", "CREATE TABLE t1 (id integer);", "DROP TABLE t1;"));
  }
};

TEST_P(DiagnosticOutputTest, ParserProblemsOfEveryFileWithCaret) {
  project_.write_migration("core", "0002_x.sql", "-- phas: expand\n-- +up\nSELECT 1;\n");
  project_.write_migration("core", "bad-name.sql", migration("", "SELECT 1;"));
  RunResult r = project_.run({"check", "--offline"});
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_EQ(
      r.err,
      "trellis: error: migrations/core/bad-name.sql: file name must be NNNN_slug.sql: digits, '_', "
      "then a slug of " +
          std::string(trellis::kSlugRule) +
          "\n"
          "migrations/core/0002_x.sql:1: unknown directive 'phas' (known: requires, conflicts, phase, "
          "transaction, "
          "lock-timeout, statement-timeout, lint-allow, batch)\n"
          "  -- phas: expand\n"
          "     ^\n")
      << r.describe();
}

TEST_P(DiagnosticOutputTest, RequiresProblemsNameFileAndLine) {
  project_.write_migration("core", "0002_x.sql", migration("-- requires: core/0009", "SELECT 1;"));
  RunResult r = project_.run({"check", "--offline"});
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_EQ(
      r.err,
      "trellis: error: migrations/core/0002_x.sql:1: requires 'core/0009', which does not exist\n")
      << r.describe();
}

// PostgreSQL's parser finds every statement that does not parse, in every pending file,
// before anything runs; the line comes from the parser as data and gets the file's path.
TEST_P(DiagnosticOutputTest, PreflightNamesEveryFileAndLine) {
  if (is_sqlite()) GTEST_SKIP() << "SQLite's splitter accepts any text";
  project_.write_migration("core", "0002_bad.sql", migration("", "SELECT 1;\nSELEKT 2;"));
  project_.write_migration("core", "0003_worse.sql",
                           migration("", "CREATE TABLE t3 (a integer);\nDROP TABLEX t3;"));
  RunResult r = project_.run({"apply"});
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_EQ(r.err,
            "trellis: error: migrations/core/0002_bad.sql:3: syntax error at or near \"SELEKT\" "
            "(statement 2)\n"
            "migrations/core/0003_worse.sql:3: syntax error at or near \"TABLEX\" (statement 2)\n"
            "  hint: fix the SQL at that line; it must parse as PostgreSQL 15 SQL\n"
            "  hint: nothing was applied; fix the SQL and run apply again\n")
      << r.describe();
  EXPECT_TRUE(db_->tables().empty()) << r.describe();
}

TEST_P(DiagnosticOutputTest, DownThatDoesNotParseInRollbackAndCheck) {
  if (is_sqlite()) GTEST_SKIP() << "SQLite's splitter accepts any text";
  project_.write_migration(
      "core", "0002_t2.sql",
      migration("", "CREATE TABLE t2 (id integer);", "SELECT 1;\nDROP TABLEX t2;"));
  RunResult apply = project_.run({"apply"});
  ASSERT_EQ(apply.exit_code, 0) << apply.describe();
  RunResult rollback = project_.run({"rollback", "--yes", "core/0001"});
  EXPECT_EQ(rollback.exit_code, 2) << rollback.describe();
  EXPECT_EQ(rollback.err,
            "trellis: error: migrations/core/0002_t2.sql:6: syntax error at or near \"TABLEX\" "
            "(statement 2) "
            "(down section)\n"
            "  hint: fix the SQL at that line; it must parse as PostgreSQL 15 SQL\n"
            "  hint: nothing was rolled back; fix the down section(s) and run rollback again\n")
      << rollback.describe();
  RunResult check = project_.run({"check"});
  EXPECT_EQ(check.exit_code, 1) << check.describe();
  EXPECT_NE(
      check.out.find("  error: migrations/core/0002_t2.sql:6: syntax error at or near \"TABLEX\" "
                     "(statement 2) (down section)\n"),
      std::string::npos)
      << check.describe();
  RunResult json = project_.run({"check", "--json"});
  nlohmann::json doc = parse_json(json.out);
  bool found = false;
  for (const auto& f : doc["findings"]) {
    if (f["kind"] != "parse") continue;
    found = true;
    EXPECT_EQ(f["file"], "migrations/core/0002_t2.sql");
    EXPECT_EQ(f["line"], 6);
    EXPECT_EQ(f["id"], "core/0002_t2");
  }
  EXPECT_TRUE(found) << json.describe();
}

TRELLIS_BACKENDS(DiagnosticOutputTest);

}  // namespace
}  // namespace trellis_test
