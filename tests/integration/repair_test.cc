// repair_test.cc — `trellis repair` and `trellis forget ID` fix the bookkeeping after a
// failure or a manual revert (issue 13): they show what changes, ask (or need --yes), take
// the runner lock, record what they did in history, and change nothing when refused.
#include <nlohmann/json.hpp>

#include "harness.h"
#include "trellis/driver.h"

namespace trellis_test {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class RepairTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    project_.write_config(TomlBuilder()
                              .set("defaults", "lock_wait", "0s")
                              .set("env.dev", "database", db_->url())
                              .set("env.dev", "features", "all"));
    project_.write_migration("core", "0001_users.sql", migration("", "CREATE TABLE users (id integer);", "DROP TABLE users;"));
  }

  // core/0002_bad fails (its table does not exist); core/0001_users is applied.
  void fail_one() {
    project_.write_migration("core", "0002_bad.sql", migration("", "INSERT INTO no_such_table VALUES (1);"));
    RunResult apply = project_.run({"apply"});
    ASSERT_EQ(apply.exit_code, 1) << apply.describe();
    ASSERT_EQ(db_->state_rows(), (std::vector<std::string>{"core/0001_users|applied", "core/0002_bad|failed"}));
  }

  void fix_bad() {
    project_.write_migration("core", "0002_bad.sql", migration("", "CREATE TABLE fixed (id integer);"));
  }

  void expect_unchanged(const std::vector<std::string>& rows, const std::vector<std::string>& history) {
    EXPECT_EQ(db_->state_rows(), rows);
    EXPECT_EQ(db_->history(), history);
  }
};

TEST_P(RepairTest, AFixedFailedMigrationIsClearedAndTheNextApplyRunsIt) {
  fail_one();
  fix_bad();
  RunResult repair = project_.run({"repair", "--yes"});
  ASSERT_EQ(repair.exit_code, 0) << repair.describe();
  EXPECT_TRUE(contains(repair.out, "core/0002_bad")) << repair.describe();
  EXPECT_TRUE(contains(repair.out, "clear the failure: apply runs it again (file changed since)"))
      << repair.describe();
  EXPECT_TRUE(contains(repair.out, "core/0002_bad is pending: 'trellis apply' runs it again")) << repair.describe();
  EXPECT_EQ(db_->state_rows(), (std::vector<std::string>{"core/0001_users|applied"}));
  EXPECT_EQ(db_->history_count("core/0002_bad", "repair"), 1);
  RunResult status = project_.run({"status", "--json"});
  nlohmann::json doc = nlohmann::json::parse(status.out);
  for (const auto& m : doc["migrations"]) {
    if (m["id"] == "core/0002_bad") {
      EXPECT_EQ(m["state"], "pending") << m.dump();
    }
  }

  RunResult apply = project_.run({"apply"});
  ASSERT_EQ(apply.exit_code, 0) << apply.describe();
  EXPECT_TRUE(db_->has_table("fixed"));
  EXPECT_EQ(db_->applied_ids(), (std::vector<std::string>{"core/0001_users", "core/0002_bad"}));
  RunResult again = project_.run({"repair"});  // nothing to change: no --yes needed
  EXPECT_EQ(again.exit_code, 0) << again.describe();
  EXPECT_TRUE(contains(again.out, "Nothing to repair")) << again.describe();
}

TEST_P(RepairTest, TheFailedRowOfADeletedFileIsRemoved) {
  fail_one();
  project_.remove("migrations/core/0002_bad.sql");
  RunResult check = project_.run({"check", "--no-drift"});
  ASSERT_EQ(check.exit_code, 1) << check.describe();
  RunResult repair = project_.run({"repair", "--yes"});
  ASSERT_EQ(repair.exit_code, 0) << repair.describe();
  EXPECT_TRUE(contains(repair.out, "remove the row: its migration file is gone")) << repair.describe();
  EXPECT_EQ(db_->state_rows(), (std::vector<std::string>{"core/0001_users|applied"}));
  EXPECT_EQ(db_->history_count("core/0002_bad", "repair"), 1);
  check = project_.run({"check", "--no-drift"});
  EXPECT_EQ(check.exit_code, 0) << check.describe();
}

TEST_P(RepairTest, EditedAndVanishedAppliedRowsAreLeftWithWhatToRunInstead) {
  project_.write_migration("gone", "0001_x.sql", migration("", "CREATE TABLE gone_x (id integer);"));
  ASSERT_EQ(project_.run({"apply"}).exit_code, 0);
  project_.write_migration("core", "0001_users.sql", migration("", "CREATE TABLE users (id bigint);"));
  project_.remove("migrations/gone/0001_x.sql");
  auto rows = db_->state_rows();
  auto history = db_->history();
  RunResult repair = project_.run({"repair"});
  EXPECT_EQ(repair.exit_code, 0) << repair.describe();
  EXPECT_TRUE(contains(repair.out, "Nothing to repair")) << repair.describe();
  EXPECT_TRUE(contains(repair.out, "'trellis accept core/0001_users' records the new one")) << repair.describe();
  EXPECT_TRUE(contains(repair.out, "gone/0001_x is recorded as applied but has no migration file")) << repair.describe();
  EXPECT_TRUE(contains(repair.out, "'trellis forget gone/0001_x' if you undid it by hand")) << repair.describe();
  expect_unchanged(rows, history);
}

// Rows as an interrupted non-transactional run and a failed chunked one leave them: set by
// hand, as the runner would have written them.
TEST_P(RepairTest, InterruptedAndPartlyCommittedRowsAreLeftForApplyToResume) {
  fail_one();
  project_.write_migration("side", "0001_outside.sql", migration("", "CREATE TABLE outside (id integer);"));
  project_.write_migration("gone", "0001_x.sql", migration("", "CREATE TABLE gone_x (id integer);"));
  ASSERT_EQ(project_.run({"apply"}).exit_code, 1);
  db_->exec("UPDATE " + db_->migrations_table() + " SET statements_done = 1 WHERE id = 'core/0002_bad';");
  db_->exec("UPDATE " + db_->migrations_table() +
            " SET status = 'running', statements_done = 0 WHERE id IN ('side/0001_outside', 'gone/0001_x');");
  project_.remove("migrations/gone/0001_x.sql");
  RunResult repair = project_.run({"repair", "--yes"});
  ASSERT_EQ(repair.exit_code, 0) << repair.describe();
  EXPECT_TRUE(contains(repair.out, "gone/0001_x")) << repair.describe();
  EXPECT_TRUE(contains(repair.out, "core/0002_bad failed after 1 of its statements committed: apply resumes after them"))
      << repair.describe();
  EXPECT_TRUE(contains(repair.out, "side/0001_outside was interrupted after 0 statement(s): apply resumes it"))
      << repair.describe();
  EXPECT_EQ(db_->state_rows(), (std::vector<std::string>{"core/0001_users|applied", "core/0002_bad|failed",
                                                         "side/0001_outside|running"}));
  EXPECT_EQ(db_->history_count("gone/0001_x", "repair"), 1);
}

TEST_P(RepairTest, ForgetAfterAManualRevertMakesApplyRunItAgain) {
  ASSERT_EQ(project_.run({"apply"}).exit_code, 0);
  db_->exec("DROP TABLE users;");
  RunResult forget = project_.run({"forget", "core/0001", "--yes"});
  ASSERT_EQ(forget.exit_code, 0) << forget.describe();
  EXPECT_TRUE(contains(forget.out, "core/0001_users is pending: 'trellis apply' runs it again")) << forget.describe();
  EXPECT_TRUE(db_->state_rows().empty());
  EXPECT_EQ(db_->history_count("core/0001_users", "forget"), 1);
  RunResult apply = project_.run({"apply"});
  ASSERT_EQ(apply.exit_code, 0) << apply.describe();
  EXPECT_TRUE(db_->has_table("users"));
  EXPECT_EQ(db_->history_count("core/0001_users", "apply"), 2);
}

TEST_P(RepairTest, ForgetRemovesAFailedRowAndARowWithNoFile) {
  fail_one();
  project_.write_migration("gone", "0001_x.sql", migration("", "CREATE TABLE gone_x (id integer);"));
  ASSERT_EQ(project_.run({"apply"}).exit_code, 1);  // core/0002_bad fails again
  project_.remove("migrations/gone/0001_x.sql");
  RunResult forget = project_.run({"forget", "core/0002_bad", "gone/0001", "--yes"});
  ASSERT_EQ(forget.exit_code, 0) << forget.describe();
  EXPECT_TRUE(contains(forget.out, "gone/0001_x has no file: nothing will run it")) << forget.describe();
  EXPECT_EQ(db_->state_rows(), (std::vector<std::string>{"core/0001_users|applied"}));
  EXPECT_EQ(db_->history_count("gone/0001_x", "forget"), 1);
}

TEST_P(RepairTest, WithoutATerminalAndWithoutYesNothingChanges) {
  fail_one();
  fix_bad();
  auto rows = db_->state_rows();
  auto history = db_->history();
  RunResult repair = project_.run({"repair"});
  EXPECT_EQ(repair.exit_code, 2) << repair.describe();
  EXPECT_TRUE(contains(repair.err, "no terminal to ask on; nothing was changed")) << repair.describe();
  EXPECT_TRUE(contains(repair.err, "pass --yes")) << repair.describe();
  EXPECT_TRUE(contains(repair.out, "core/0002_bad")) << repair.describe();  // what it would have done
  expect_unchanged(rows, history);
  RunResult forget = project_.run({"forget", "core/0001"});
  EXPECT_EQ(forget.exit_code, 2) << forget.describe();
  EXPECT_TRUE(contains(forget.err, "pass --yes")) << forget.describe();
  expect_unchanged(rows, history);
}

TEST_P(RepairTest, DryRunPrintsThePlanAndChangesNothing) {
  fail_one();
  auto rows = db_->state_rows();
  auto history = db_->history();
  RunResult repair = project_.run({"repair", "--dry-run"});
  EXPECT_EQ(repair.exit_code, 0) << repair.describe();
  EXPECT_TRUE(contains(repair.out, "Would change 1 row(s)")) << repair.describe();
  EXPECT_TRUE(contains(repair.out, "core/0002_bad")) << repair.describe();
  EXPECT_TRUE(contains(repair.out, "(the file that failed)")) << repair.describe();
  RunResult forget = project_.run({"forget", "core/0001_users", "--dry-run"});
  EXPECT_EQ(forget.exit_code, 0) << forget.describe();
  EXPECT_TRUE(contains(forget.out, "Would forget 1 row(s)")) << forget.describe();
  EXPECT_TRUE(contains(forget.out, "migrations/core/0001_users.sql")) << forget.describe();
  expect_unchanged(rows, history);
}

TEST_P(RepairTest, ForgetRefusesUnknownAndPendingIdsAndOrphanedDependents) {
  project_.write_migration("core", "0002_more.sql", migration("", "CREATE TABLE more (id integer);"));
  project_.write_migration("core", "0003_later.sql", migration("", "CREATE TABLE later (id integer);"));
  ASSERT_EQ(project_.run({"apply", "--to", "core/0002"}).exit_code, 0);
  auto rows = db_->state_rows();
  auto history = db_->history();
  RunResult unknown = project_.run({"forget", "core/0099", "--yes"});
  EXPECT_EQ(unknown.exit_code, 2) << unknown.describe();
  EXPECT_TRUE(contains(unknown.err, "no migration 'core/0099'")) << unknown.describe();
  RunResult pending = project_.run({"forget", "core/0003", "--yes"});
  EXPECT_EQ(pending.exit_code, 2) << pending.describe();
  EXPECT_TRUE(contains(pending.err, "core/0003_later has no row to forget: it is pending already")) << pending.describe();
  RunResult below = project_.run({"forget", "core/0001", "--yes"});
  EXPECT_EQ(below.exit_code, 2) << below.describe();
  EXPECT_TRUE(contains(below.err, "depending on what you forget: core/0002_more")) << below.describe();
  expect_unchanged(rows, history);
  RunResult both = project_.run({"forget", "core/0001", "core/0002", "--yes"});
  EXPECT_EQ(both.exit_code, 0) << both.describe();
  EXPECT_TRUE(db_->state_rows().empty());
}

TEST_P(RepairTest, AHeldLockIsExitThreeAndChangesNothing) {
  fail_one();
  auto rows = db_->state_rows();
  auto history = db_->history();
  auto holder = trellis::open_driver(db_->url(), trellis::OpenMode::kReadWrite, "trellis");
  holder->lock().acquire(trellis::Millis{0});
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"repair", "--yes"}, std::vector<std::string>{"forget", "core/0001", "--yes"}}) {
    RunResult r = project_.run(args);
    EXPECT_EQ(r.exit_code, 3) << r.describe();
    EXPECT_TRUE(contains(r.err, is_sqlite() ? "another trellis run holds the migration lock" : "held by pid "))
        << r.describe();
  }
  holder->lock().release();
  expect_unchanged(rows, history);
  RunResult waited = project_.run({"repair", "--yes", "--lock-wait", "5s"});
  EXPECT_EQ(waited.exit_code, 0) << waited.describe();
}

TEST_P(RepairTest, OnATerminalItAsksAndOnlyYesChangesAnything) {
  fail_one();
  auto rows = db_->state_rows();
  auto history = db_->history();
  RunOptions no = project_.options({"forget", "core/0001"});
  no.terminal_input = "n\n";
  RunResult declined = run_in_pty(no);
  EXPECT_EQ(declined.exit_code, 2) << declined.describe();
  EXPECT_TRUE(contains(declined.out, "Forget 1 row(s) in ")) << declined.describe();
  EXPECT_TRUE(contains(declined.out, "not confirmed: nothing was changed")) << declined.describe();
  expect_unchanged(rows, history);
  RunOptions yes = project_.options({"repair"});
  yes.terminal_input = "y\n";
  RunResult accepted = run_in_pty(yes);
  EXPECT_EQ(accepted.exit_code, 0) << accepted.describe();
  EXPECT_TRUE(contains(accepted.out, "[y/N]")) << accepted.describe();
  EXPECT_EQ(db_->state_rows(), (std::vector<std::string>{"core/0001_users|applied"}));
}

TRELLIS_BACKENDS(RepairTest);

}  // namespace
}  // namespace trellis_test
