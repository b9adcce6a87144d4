// down_sections_test.cc — down sections are first-class (issue 10 §3): split before
// anything runs, linted, their own transaction mode, explicit no-ops, failures recorded,
// edited files refused.
#include "harness.h"

namespace trellis_test {
namespace {

class DownSectionsTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    project_.write_simple_config(db_->url());
  }

  // core/0001..0003, each creating table tN; `downs` are their down sections.
  void write_chain(const std::vector<std::string>& downs) {
    for (std::size_t i = 0; i < downs.size(); ++i) {
      std::string n = std::to_string(i + 1);
      project_.write_migration("core", "000" + n + "_t" + n + ".sql",
                               migration("", "CREATE TABLE t" + n + " (id integer);", downs[i]));
    }
  }

  void apply_all() {
    RunResult apply = project_.run({"apply"});
    ASSERT_EQ(apply.exit_code, 0) << apply.describe();
    before_applied_ = db_->applied_ids();
    before_history_ = db_->history();
  }

  void expect_nothing_rolled_back() {
    EXPECT_EQ(db_->applied_ids(), before_applied_);
    EXPECT_EQ(db_->history(), before_history_);
  }

  std::vector<std::string> before_applied_, before_history_;
};

// A down that does not parse is found before anything runs: PostgreSQL's parser splits
// every down of the rollback first (SQLite's splitter accepts any text, so a syntax error
// there surfaces when the statement runs).
TEST_P(DownSectionsTest, EveryDownIsSplitBeforeAnythingRollsBack) {
  if (is_sqlite()) GTEST_SKIP() << "SQLite's splitter accepts any text";
  write_chain({"DROP TABLE t1;", "SELECT 1;\nDROP TABLEX t2;", "DROP TABLE t3;"});
  apply_all();
  if (HasFatalFailure()) return;
  RunResult rollback = project_.run({"rollback", "--yes", "core/0001"});
  EXPECT_EQ(rollback.exit_code, 2) << rollback.describe();
  EXPECT_TRUE(mentions_line(rollback.err, "migrations/core/0002_t2.sql", 6)) << rollback.describe();
  EXPECT_NE(rollback.err.find("nothing was rolled back"), std::string::npos) << rollback.describe();
  expect_nothing_rolled_back();
  EXPECT_EQ(db_->tables(), (std::vector<std::string>{"t1", "t2", "t3"}));

  RunResult check = project_.run({"check"});
  EXPECT_EQ(check.exit_code, 1) << check.describe();
  EXPECT_TRUE(mentions_line(check.out, "migrations/core/0002_t2.sql", 6)) << check.describe();
  RunResult offline = project_.run({"check", "--offline"});
  EXPECT_EQ(offline.exit_code, 1) << offline.describe();
  RunResult lint = project_.run({"lint"});
  EXPECT_TRUE(mentions_line(lint.out, "migrations/core/0002_t2.sql", 6)) << lint.describe();
  EXPECT_NE(lint.out.find("down section"), std::string::npos) << lint.describe();
}

// A CREATE/DROP INDEX CONCURRENTLY in a down that runs in a transaction is a lint error
// and refused by rollback before anything runs; `transaction: false` (both sections) fixes it.
TEST_P(DownSectionsTest, DownsAreLintedWithTheirOwnTransactionMode) {
  if (is_sqlite()) GTEST_SKIP() << "CONCURRENTLY is PostgreSQL's";
  project_.write_migration("core", "0001_t.sql", migration("", "CREATE TABLE t (a integer);", "DROP TABLE t;"));
  std::string index = migration("-- transaction: up=false", "CREATE INDEX CONCURRENTLY ix_t_a ON t (a);",
                                "DROP INDEX CONCURRENTLY ix_t_a;");
  project_.write_migration("core", "0002_ix.sql", index);
  int down_line = line_of(index, "DROP INDEX CONCURRENTLY");
  apply_all();
  if (HasFatalFailure()) return;
  RunResult lint = project_.run({"lint"});
  EXPECT_EQ(lint.exit_code, 1) << lint.describe();
  EXPECT_TRUE(mentions_line(lint.out, "migrations/core/0002_ix.sql", down_line)) << lint.describe();
  EXPECT_NE(lint.out.find("concurrently-in-transaction"), std::string::npos) << lint.describe();
  RunResult rollback = project_.run({"rollback", "--yes", "core/0002"});
  EXPECT_EQ(rollback.exit_code, 2) << rollback.describe();
  EXPECT_TRUE(mentions_line(rollback.err, "migrations/core/0002_ix.sql", down_line)) << rollback.describe();
  expect_nothing_rolled_back();

  project_.write_migration("core", "0002_ix.sql",
                           migration("-- transaction: false", "CREATE INDEX CONCURRENTLY ix_t_a ON t (a);",
                                     "DROP INDEX CONCURRENTLY ix_t_a;"));
  ASSERT_EQ(project_.run({"accept", "core/0002"}).exit_code, 0);
  EXPECT_EQ(project_.run({"lint"}).exit_code, 0);
  rollback = project_.run({"rollback", "--yes", "core/0002"});
  EXPECT_EQ(rollback.exit_code, 0) << rollback.describe();
  EXPECT_EQ(db_->query("SELECT count(*) FROM pg_indexes WHERE indexname = 'ix_t_a'"),
            (std::vector<std::string>{"0"}));
}

// `transaction: down=false`: a transactional up with a down that must run outside a
// transaction (VACUUM cannot run inside one, on either database).
TEST_P(DownSectionsTest, DownHasItsOwnTransactionMode) {
  project_.write_migration("core", "0001_t.sql",
                           migration("-- transaction: down=false",
                                     "CREATE TABLE t (a integer);\nINSERT INTO t VALUES (1);",
                                     "DROP TABLE t;\nVACUUM;"));
  apply_all();
  if (HasFatalFailure()) return;
  RunResult rollback = project_.run({"rollback", "--yes", "core/0001"});
  EXPECT_EQ(rollback.exit_code, 0) << rollback.describe();
  EXPECT_TRUE(db_->tables().empty());
  EXPECT_TRUE(db_->applied_ids().empty());
  EXPECT_EQ(db_->history_count("core/0001_t", "rollback"), 1);
}

// A down of only comments, or `-- +down noop`, is "nothing to undo": the rollback forgets
// the record and undoes nothing. `-- +down irreversible` stays forward-only.
TEST_P(DownSectionsTest, DownWithoutSqlIsANoOpNotForwardOnly) {
  project_.write_migration("core", "0001_t.sql", migration("", "CREATE TABLE t (a integer);", "DROP TABLE t;"));
  project_.write_migration("core", "0002_seed.sql",
                           migration("", "INSERT INTO t VALUES (1);", "-- nothing to undo: rows go with t\n"));
  project_.write_migration("core", "0003_noop.sql",
                           "-- +up\nINSERT INTO t VALUES (2);\n-- +down noop\n");
  project_.write_migration("other", "0001_forever.sql",
                           "-- +up\nCREATE TABLE forever (a integer);\n-- +down irreversible\n");
  apply_all();
  if (HasFatalFailure()) return;
  RunResult dry = project_.run({"rollback", "--yes", "core/0002", "--dry-run"});
  EXPECT_EQ(dry.exit_code, 0) << dry.describe();
  EXPECT_NE(dry.out.find("core/0003_noop (nothing to undo)"), std::string::npos) << dry.describe();
  RunResult rollback = project_.run({"rollback", "--yes", "core/0002"});
  EXPECT_EQ(rollback.exit_code, 0) << rollback.describe();
  EXPECT_EQ(db_->applied_ids(), (std::vector<std::string>{"core/0001_t", "other/0001_forever"}));
  EXPECT_EQ(db_->query("SELECT count(*) FROM t"), (std::vector<std::string>{"2"}));
  EXPECT_EQ(db_->history_count("core/0002_seed", "rollback"), 1);
  EXPECT_EQ(db_->history_count("core/0003_noop", "rollback"), 1);

  RunResult forever = project_.run({"rollback", "--yes", "other"});
  EXPECT_EQ(forever.exit_code, 2) << forever.describe();
  EXPECT_NE(forever.err.find("'-- +down irreversible' (the one way to mark a migration forward-only)"),
            std::string::npos)
      << forever.describe();
  EXPECT_NE(forever.err.find("'-- +down noop'"), std::string::npos) << forever.describe();
}

// A down that fails is recorded (history, status); the summary counts rolled back, failed
// and not attempted; exit 1.
TEST_P(DownSectionsTest, FailedRollbackIsRecordedAndCounted) {
  write_chain({"DROP TABLE t1;", "DROP TABLE no_such_table;", "DROP TABLE t3;"});
  apply_all();
  if (HasFatalFailure()) return;
  RunResult rollback = project_.run({"rollback", "--yes", "core"});
  EXPECT_EQ(rollback.exit_code, 1) << rollback.describe();
  EXPECT_NE(rollback.out.find("1 rolled back, 1 failed, 1 not attempted"), std::string::npos) << rollback.describe();
  EXPECT_EQ(db_->applied_ids(), (std::vector<std::string>{"core/0001_t1", "core/0002_t2"}));
  EXPECT_EQ(db_->tables(), (std::vector<std::string>{"t1", "t2"}));
  EXPECT_EQ(db_->history_count("core/0002_t2", "rollback-failed"), 1);
  EXPECT_NE(db_->state_error("core/0002_t2").find("rollback failed"), std::string::npos);
  EXPECT_NE(db_->state_error("core/0002_t2").find("no_such_table"), std::string::npos);

  RunResult status = project_.run({"status"});
  EXPECT_EQ(status.exit_code, 0) << status.describe();
  EXPECT_NE(status.out.find("core/0002_t2 is still applied: rollback failed"), std::string::npos)
      << status.describe();
  RunResult history = project_.run({"history"});
  EXPECT_NE(history.out.find("rollback-failed"), std::string::npos) << history.describe();

  // Fixed and rolled back: the record goes, and with it the error.
  write_chain({"DROP TABLE t1;", "DROP TABLE t2;"});
  ASSERT_EQ(project_.run({"accept", "core/0002"}).exit_code, 0);
  rollback = project_.run({"rollback", "--yes", "core"});
  EXPECT_EQ(rollback.exit_code, 0) << rollback.describe();
  EXPECT_TRUE(db_->applied_ids().empty());
}

// An applied file edited since: rollback refuses it exactly as apply does, until the file
// is reverted or accepted.
TEST_P(DownSectionsTest, RollbackRefusesAnEditedAppliedFile) {
  write_chain({"DROP TABLE t1;", "DROP TABLE t2;"});
  apply_all();
  if (HasFatalFailure()) return;
  project_.write_migration("core", "0002_t2.sql",
                           migration("-- edited", "CREATE TABLE t2 (id integer);", "DROP TABLE t2;"));
  RunResult apply = project_.run({"apply"});
  EXPECT_EQ(apply.exit_code, 2) << apply.describe();
  RunResult rollback = project_.run({"rollback", "--yes", "core/0001"});
  EXPECT_EQ(rollback.exit_code, apply.exit_code) << rollback.describe();
  EXPECT_NE(rollback.err.find("core/0002_t2 was applied with checksum"), std::string::npos) << rollback.describe();
  EXPECT_NE(rollback.err.find("trellis accept ID"), std::string::npos) << rollback.describe();
  expect_nothing_rolled_back();
  ASSERT_EQ(project_.run({"accept", "core/0002"}).exit_code, 0);
  rollback = project_.run({"rollback", "--yes", "core/0001"});
  EXPECT_EQ(rollback.exit_code, 0) << rollback.describe();
  EXPECT_TRUE(db_->applied_ids().empty());
}

TRELLIS_BACKENDS(DownSectionsTest);

}  // namespace
}  // namespace trellis_test
