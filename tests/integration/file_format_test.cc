// file_format_test.cc — the migration file format (issue 10 §4, §5, §6): section markers
// are SQL comments, slugs with dots, bytes that are not UTF-8 text, ups without SQL.
#include "harness.h"

namespace trellis_test {
namespace {

class FileFormatTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    project_.write_simple_config(db_->url());
  }

  void expect_untouched() {
    EXPECT_TRUE(db_->tables().empty());
    EXPECT_TRUE(db_->applied_ids().empty());
    EXPECT_TRUE(db_->history().empty());
  }
};

// A `-- +down` line inside a string constant (and, on PostgreSQL, inside a dollar-quoted
// function body) is SQL text of the up section, not a marker.
TEST_P(FileFormatTest, MarkerInsideAStringOrBodyIsSqlText) {
  std::string up =
      "CREATE TABLE notes (body text);\n"
      "INSERT INTO notes (body) VALUES ('first\n-- +down\nthird');\n";
  if (!is_sqlite()) {
    up += "CREATE FUNCTION note_count() RETURNS bigint LANGUAGE sql AS $$\n"
          "  SELECT count(*) FROM notes\n"
          "-- +down\n"
          "$$;\n";
  }
  project_.write_migration("core", "0001_notes.sql", migration("", up, "DROP TABLE notes;"));
  RunResult apply = project_.run({"apply"});
  ASSERT_EQ(apply.exit_code, 0) << apply.describe();
  EXPECT_EQ(db_->query("SELECT body FROM notes"), (std::vector<std::string>{"first\n-- +down\nthird"}));
  if (!is_sqlite()) {
    EXPECT_EQ(db_->query("SELECT note_count()"), (std::vector<std::string>{"1"}));
  }
  RunResult rollback = project_.run({"rollback", "--yes", "core/0001"});
  EXPECT_EQ(rollback.exit_code, 0) << rollback.describe();
  EXPECT_FALSE(db_->has_table("notes"));
}

// A marker on the last line of a file without a line break after it: `-- +down
// irreversible`, a bare `-- +down` (a down without SQL: nothing to undo) and a bare
// `-- +up` (an up without SQL: a recorded no-op).
TEST_P(FileFormatTest, MarkerOnTheLastLineWithoutLineBreak) {
  project_.write_migration("core", "0001_a.sql", "-- +up\nCREATE TABLE a (id integer);\n-- +down irreversible");
  project_.write_migration("core", "0002_b.sql", "-- +up\nCREATE TABLE b (id integer);\n-- +down\nDROP TABLE b;");
  project_.write_migration("core", "0003_c.sql", "-- +up\nCREATE TABLE c (id integer);\n-- +down");
  project_.write_migration("other", "0001_d.sql", "-- phase: expand\n-- +up");
  RunResult apply = project_.run({"apply"});
  ASSERT_EQ(apply.exit_code, 0) << apply.describe();
  EXPECT_EQ(db_->tables(), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(db_->applied_ids().size(), 4u);
  RunResult rollback = project_.run({"rollback", "--yes", "core/0002"});
  EXPECT_EQ(rollback.exit_code, 0) << rollback.describe();
  EXPECT_EQ(db_->tables(), (std::vector<std::string>{"a", "c"}));
  EXPECT_EQ(db_->applied_ids(), (std::vector<std::string>{"core/0001_a", "other/0001_d"}));
  RunResult forever = project_.run({"rollback", "--yes", "core/0001"});
  EXPECT_EQ(forever.exit_code, 2) << forever.describe();
}

// Release files like 0030_2.0.0_schema.sql: dots in slugs, usable in requires and on the
// command line.
TEST_P(FileFormatTest, SlugsMayContainDots) {
  project_.write_migration("core", "0030_2.0.0_schema.sql",
                           migration("", "CREATE TABLE release_two (id integer);", "DROP TABLE release_two;"));
  project_.write_migration("billing", "0001_v1.5.sql",
                           migration("-- requires: core/0030_2.0.0_schema", "CREATE TABLE bills (id integer);",
                                     "DROP TABLE bills;"));
  RunResult apply = project_.run({"apply"});
  ASSERT_EQ(apply.exit_code, 0) << apply.describe();
  EXPECT_EQ(db_->applied_ids(), (std::vector<std::string>{"billing/0001_v1.5", "core/0030_2.0.0_schema"}));
  RunResult rollback = project_.run({"rollback", "--yes", "core/0030_2.0.0_schema"});
  EXPECT_EQ(rollback.exit_code, 0) << rollback.describe();
  EXPECT_TRUE(db_->applied_ids().empty());
}

TEST_P(FileFormatTest, SlugRuleIsStatedWhenBroken) {
  project_.write_migration("core", "0001_x..y.sql", migration("", "CREATE TABLE a (id integer);"));
  RunResult apply = project_.run({"apply"});
  EXPECT_EQ(apply.exit_code, 2) << apply.describe();
  EXPECT_NE(apply.err.find("migrations/core/0001_x..y.sql"), std::string::npos) << apply.describe();
  EXPECT_NE(apply.err.find("'_', '-' and '.'"), std::string::npos) << apply.describe();
  expect_untouched();
}

// A NUL byte ends the text for SQLite and libpg_query: the statements after it were
// silently dropped. Now it is an error naming file and line, and nothing is applied.
TEST_P(FileFormatTest, NulByteIsAnErrorWithFileAndLine) {
  project_.write_migration("core", "0001_ok.sql", migration("", "CREATE TABLE ok (id integer);"));
  std::string up = "CREATE TABLE a (id integer);";
  up += '\0';
  up += "\nCREATE TABLE b (id integer);\n";
  project_.write_migration("core", "0002_nul.sql", migration("", up));
  RunResult apply = project_.run({"apply"});
  EXPECT_EQ(apply.exit_code, 2) << apply.describe();
  EXPECT_TRUE(mentions_line(apply.err, "migrations/core/0002_nul.sql", 2)) << apply.describe();
  EXPECT_NE(apply.err.find("NUL"), std::string::npos) << apply.describe();
  expect_untouched();
}

// Latin-1 bytes: PostgreSQL rejects them when the statement runs, SQLite stored them.
// Both now refuse the file before anything runs.
TEST_P(FileFormatTest, BytesThatAreNotUtf8AreAnErrorOnEveryBackend) {
  project_.write_migration("core", "0001_ok.sql", migration("", "CREATE TABLE ok (id integer);"));
  project_.write_migration("core", "0002_latin1.sql",
                           migration("", "CREATE TABLE names (n text);\nINSERT INTO names VALUES ('Jos\xE9');"));
  RunResult apply = project_.run({"apply"});
  EXPECT_EQ(apply.exit_code, 2) << apply.describe();
  EXPECT_TRUE(mentions_line(apply.err, "migrations/core/0002_latin1.sql", 3)) << apply.describe();
  EXPECT_NE(apply.err.find("0xE9 is not UTF-8"), std::string::npos) << apply.describe();
  expect_untouched();
}

// A byte order mark at the start is accepted and is not part of the SQL.
TEST_P(FileFormatTest, ByteOrderMarkIsAccepted) {
  project_.write_migration("core", "0001_bom.sql",
                           "\xEF\xBB\xBF-- phase: expand\n-- +up\nCREATE TABLE bom (name text);\n"
                           "INSERT INTO bom VALUES ('caf\xC3\xA9');\n");
  project_.write_migration("core", "0002_bom_first.sql", "\xEF\xBB\xBF-- +up\nCREATE TABLE bom2 (id integer);\n");
  RunResult apply = project_.run({"apply"});
  ASSERT_EQ(apply.exit_code, 0) << apply.describe();
  EXPECT_EQ(db_->query("SELECT name FROM bom"), (std::vector<std::string>{"caf\xC3\xA9"}));
  EXPECT_TRUE(db_->has_table("bom2"));
}

// `trellis new` writes an up without SQL; it no longer makes the project unloadable, and
// a migration whose up is only comments is a no-op that is recorded as applied.
TEST_P(FileFormatTest, UpWithoutSqlIsARecordedNoOp) {
  project_.write_migration("core", "0001_init.sql", migration("", "CREATE TABLE core_users (id integer);"));
  project_.write_migration("core", "0002_nothing.sql",
                           migration("", "-- nothing to do here: kept for the numbering\n/* really */\n"));
  project_.write_migration("core", "0003_later.sql", migration("", "CREATE TABLE later (id integer);"));
  project_.write_migration("core", "0004_nothing_either.sql",
                           migration("-- transaction: false", "-- non-transactional, still nothing\n"));
  RunResult created = project_.run({"new", "billing", "invoices"});
  ASSERT_EQ(created.exit_code, 0) << created.describe();
  RunResult status = project_.run({"status"});
  EXPECT_EQ(status.exit_code, 0) << status.describe();
  RunResult plan = project_.run({"plan"});
  EXPECT_EQ(plan.exit_code, 0) << plan.describe();
  EXPECT_NE(plan.out.find("no SQL: only recorded"), std::string::npos) << plan.describe();
  RunResult apply = project_.run({"apply"});
  ASSERT_EQ(apply.exit_code, 0) << apply.describe();
  EXPECT_EQ(db_->applied_ids(), (std::vector<std::string>{"billing/0001_invoices", "core/0001_init",
                                                          "core/0002_nothing", "core/0003_later",
                                                          "core/0004_nothing_either"}));
  EXPECT_EQ(db_->history_count("core/0002_nothing", "apply"), 1);
  EXPECT_EQ(db_->history_count("core/0004_nothing_either", "apply"), 1);
  RunResult again = project_.run({"apply"});
  EXPECT_EQ(again.exit_code, 0) << again.describe();
  EXPECT_EQ(db_->history_count("core/0002_nothing", "apply"), 1);
}

TRELLIS_BACKENDS(FileFormatTest);

}  // namespace
}  // namespace trellis_test
