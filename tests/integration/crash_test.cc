// crash_test.cc — a runner killed in the middle of a migration (scenario 6).
#include <signal.h>

#include "harness.h"

namespace trellis_test {
namespace {

class CrashTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    project_.write_simple_config(db_->url());
    project_.write_migration("core", "0001_init.sql",
                             migration("", "CREATE TABLE core_users (id integer);"));
    RunResult first = project_.run({"apply"});
    ASSERT_EQ(first.exit_code, 0) << first.describe();
    // DDL, then a slow statement (the kill point), then more DDL.
    project_.write_migration("core", "0002_slow.sql",
                             migration("", "CREATE TABLE half_done (id integer);\n" +
                                               slow_statement(GetParam(), 2.5) +
                                               "\nCREATE TABLE after_slow (id integer);"));
  }

  // Waits until the slow statement is running (PostgreSQL: visible in pg_stat_activity;
  // SQLite: nothing is visible from outside an exclusive transaction, so a fixed point
  // well inside the ~2.5 s statement).
  bool wait_for_slow_statement(Child& child) {
    if (is_sqlite()) {
      auto start = std::chrono::steady_clock::now();
      return child.wait_until(
          [&] { return std::chrono::steady_clock::now() - start > milliseconds(700); },
          milliseconds(5000));
    }
    return child.wait_until(
        [&] {
          return db_->query("SELECT count(*) FROM pg_stat_activity WHERE query LIKE "
                            "'%pg_sleep%' AND pid <> pg_backend_pid()") !=
                 std::vector<std::string>{"0"};
        },
        milliseconds(10000));
  }
};

TEST_P(CrashTest, KilledRunLeavesNoHalfAppliedMigrationAndTheNextRunCompletes) {
  Child runner(project_.options({"apply"}));
  ASSERT_TRUE(wait_for_slow_statement(runner)) << runner.finish(milliseconds(1000)).describe();
  runner.kill_now(SIGKILL);
  RunResult killed = runner.finish(milliseconds(10000));
  ASSERT_EQ(killed.signal, SIGKILL) << "the runner ended before the kill point\n"
                                    << killed.describe();

  EXPECT_FALSE(db_->has_table("half_done")) << "DDL before the kill point survived";
  EXPECT_FALSE(db_->has_table("after_slow"));
  EXPECT_EQ(db_->applied_ids(), std::vector<std::string>{"core/0001_init"});
  EXPECT_EQ(db_->history_count("core/0002_slow", "apply"), 0);

  RunResult next = project_.run({"apply"});
  ASSERT_EQ(next.exit_code, 0) << next.describe();
  EXPECT_TRUE(db_->has_table("half_done"));
  EXPECT_TRUE(db_->has_table("after_slow"));
  EXPECT_EQ(db_->applied_ids(),
            (std::vector<std::string>{"core/0001_init", "core/0002_slow"}));
  EXPECT_EQ(db_->history_count("core/0002_slow", "apply"), 1);
  nlohmann::json status = parse_json(project_.run({"status", "--json"}).out);
  EXPECT_EQ(states_of(status)["core/0002_slow"], "applied");
}

TRELLIS_BACKENDS(CrashTest);

}  // namespace
}  // namespace trellis_test
