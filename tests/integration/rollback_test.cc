// rollback_test.cc — rolling back a migration rolls back its applied dependents first.
#include "harness.h"

namespace trellis_test {
namespace {

// Creates `table`; its down section logs `log_name` to rb_log, then drops the table.
std::string logged(const std::string& directives, const std::string& table,
                   const std::string& log_name) {
  return migration(directives, "CREATE TABLE " + table + " (id integer);",
                   "INSERT INTO rb_log (name) VALUES ('" + log_name + "');\nDROP TABLE " +
                       table + ";");
}

class RollbackTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    project_.write_simple_config(db_->url());
    project_.write_migration("audit", "0001_log.sql",
                             migration("", "CREATE TABLE rb_log (seq integer, name text);"));
    project_.write_migration("core", "0001_init.sql",
                             logged("-- requires: audit/0001", "core_users", "core/0001"));
    project_.write_migration("billing", "0001_invoices.sql",
                             logged("-- requires: core/0001", "invoices", "billing/0001"));
    project_.write_migration("billing", "0002_lines.sql",
                             logged("", "invoice_lines", "billing/0002"));
    project_.write_migration("search", "0001_index.sql",
                             logged("-- requires: core/0001_init", "search_docs", "search/0001"));
    project_.write_migration("other", "0001_x.sql", logged("", "other_x", "other/0001"));
  }

  void apply_all(size_t expected = 6) {
    RunResult apply = project_.run({"apply"});
    ASSERT_EQ(apply.exit_code, 0) << apply.describe();
    before_tables_ = db_->tables();
    before_applied_ = db_->applied_ids();
    before_history_ = db_->history();
    ASSERT_EQ(before_applied_.size(), expected);
  }

  std::vector<std::string> log() { return db_->query("SELECT name FROM rb_log"); }

  // Each of `earlier` appears in `sequence` before `later`.
  static void expect_before(const std::vector<std::string>& sequence,
                            const std::string& earlier, const std::string& later) {
    auto a = std::find(sequence.begin(), sequence.end(), earlier);
    auto b = std::find(sequence.begin(), sequence.end(), later);
    ASSERT_NE(a, sequence.end()) << earlier;
    ASSERT_NE(b, sequence.end()) << later;
    EXPECT_LT(a - sequence.begin(), b - sequence.begin()) << earlier << " before " << later;
  }

  void expect_unchanged() {
    EXPECT_EQ(db_->tables(), before_tables_);
    EXPECT_EQ(db_->applied_ids(), before_applied_);
    EXPECT_EQ(db_->history(), before_history_);
    EXPECT_TRUE(log().empty());
  }

  std::vector<std::string> before_tables_;
  std::vector<std::string> before_applied_;
  std::vector<std::string> before_history_;
};

TEST_P(RollbackTest, RollsBackDependentsInReverseOrder) {
  apply_all();
  RunResult rollback = project_.run({"rollback", "--yes", "core/0001"});
  ASSERT_EQ(rollback.exit_code, 0) << rollback.describe();
  std::vector<std::string> order = log();
  ASSERT_EQ(order.size(), 4u);
  expect_before(order, "billing/0002", "billing/0001");
  expect_before(order, "billing/0001", "core/0001");
  expect_before(order, "search/0001", "core/0001");
  EXPECT_EQ(order.back(), "core/0001");

  EXPECT_EQ(db_->tables(), (std::vector<std::string>{"other_x", "rb_log"}));
  EXPECT_EQ(db_->applied_ids(), (std::vector<std::string>{"audit/0001_log", "other/0001_x"}));
  std::vector<std::string> rollbacks;
  for (const auto& event : db_->history()) {
    if (event.ends_with("|rollback")) rollbacks.push_back(event.substr(0, event.find('/') + 5));
  }
  EXPECT_EQ(rollbacks, order) << "history must record the rollbacks in the order run";

  RunResult again = project_.run({"apply"});
  EXPECT_EQ(again.exit_code, 0) << again.describe();
  EXPECT_EQ(db_->applied_ids().size(), 6u);
}

TEST_P(RollbackTest, RefusesWhenADependentIsIrreversible) {
  project_.write_migration("search", "0002_forever.sql",
                           migration("", "CREATE TABLE search_forever (id integer);"));
  apply_all(7);
  if (HasFatalFailure()) return;
  RunResult rollback = project_.run({"rollback", "--yes", "core/0001_init"});
  EXPECT_EQ(rollback.exit_code, 2) << rollback.describe();
  EXPECT_NE(rollback.err.find("search/0002_forever"), std::string::npos) << rollback.describe();
  expect_unchanged();
}

TEST_P(RollbackTest, RollsBackAWholeFeature) {
  apply_all();
  RunResult rollback = project_.run({"rollback", "--yes", "billing"});
  ASSERT_EQ(rollback.exit_code, 0) << rollback.describe();
  EXPECT_EQ(log(), (std::vector<std::string>{"billing/0002", "billing/0001"}));
  EXPECT_FALSE(db_->has_table("invoices"));
  EXPECT_TRUE(db_->has_table("core_users"));
  EXPECT_EQ(db_->applied_ids().size(), 4u);
}

TEST_P(RollbackTest, DryRunChangesNothing) {
  apply_all();
  RunResult dry = project_.run({"rollback", "--yes", "core/0001", "--dry-run"});
  EXPECT_EQ(dry.exit_code, 0) << dry.describe();
  for (const char* id : {"core/0001_init", "billing/0001_invoices", "billing/0002_lines",
                         "search/0001_index"}) {
    EXPECT_NE(dry.out.find(id), std::string::npos) << id << "\n" << dry.describe();
  }
  EXPECT_EQ(dry.out.find("other/0001_x"), std::string::npos) << dry.describe();
  expect_unchanged();
}

// Without --yes, rollback shows what it will undo and asks on a terminal; without a
// terminal it is refused (exit 2) with the list shown and nothing changed; "n" changes
// nothing; "y" rolls back.
TEST_P(RollbackTest, AsksFirstAndWithoutATerminalNeedsYes) {
  apply_all();
  RunResult refused = project_.run({"rollback", "billing"});
  EXPECT_EQ(refused.exit_code, 2) << refused.describe();
  EXPECT_NE(refused.out.find("Rollback would undo 2 migration(s)"), std::string::npos) << refused.describe();
  EXPECT_NE(refused.out.find("billing/0002_lines"), std::string::npos) << refused.describe();
  EXPECT_NE(refused.err.find("--yes"), std::string::npos) << refused.describe();
  expect_unchanged();
  RunOptions no = project_.options({"rollback", "billing"});
  no.terminal_input = "n\n";
  RunResult declined = run_in_pty(no);
  EXPECT_EQ(declined.exit_code, 2) << declined.describe();
  EXPECT_NE(declined.out.find("[y/N]"), std::string::npos) << declined.describe();
  EXPECT_NE(declined.out.find("not confirmed: nothing was rolled back"), std::string::npos) << declined.describe();
  expect_unchanged();
  RunOptions yes = project_.options({"rollback", "billing"});
  yes.terminal_input = "y\n";
  RunResult accepted = run_in_pty(yes);
  EXPECT_EQ(accepted.exit_code, 0) << accepted.describe();
  EXPECT_EQ(db_->applied_ids().size(), 4u);
}

TRELLIS_BACKENDS(RollbackTest);

}  // namespace
}  // namespace trellis_test
