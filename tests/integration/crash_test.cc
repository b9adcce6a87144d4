// crash_test.cc — a runner killed in the middle of a migration (scenario 6).
#include <thread>
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
};

TEST_P(CrashTest, KilledRunLeavesNoHalfAppliedMigrationAndTheNextRunCompletes) {
  Child runner(project_.options({"apply"}));
  ASSERT_TRUE(wait_for_slow_statement(runner, *db_)) << runner.finish(milliseconds(1000)).describe();
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

TEST_P(CrashTest, KilledNonTransactionalMigrationIsReportedAsStarted) {
  project_.write_migration("core", "0002_slow.sql",
                           migration("-- transaction: false",
                                     "CREATE TABLE half_done (id integer);\n" +
                                         slow_statement(GetParam(), 2.5) +
                                         "\nCREATE TABLE after_slow (id integer);"));
  Child runner(project_.options({"apply"}));
  if (GetParam() == "sqlite") {
    // Outside a transaction the slow statement is a plain read: no journal file shows it.
    // The first statement's table is committed just before it starts.
    ASSERT_TRUE(runner.wait_until([&] { return db_->has_table("half_done"); }, milliseconds(10000)))
        << runner.finish(milliseconds(1000)).describe();
    std::this_thread::sleep_for(milliseconds(300));
  } else {
    ASSERT_TRUE(wait_for_slow_statement(runner, *db_)) << runner.finish(milliseconds(1000)).describe();
  }
  runner.kill_now(SIGKILL);
  RunResult killed = runner.finish(milliseconds(10000));
  ASSERT_EQ(killed.signal, SIGKILL) << killed.describe();

  // Recorded as started before it ran, never as applied.
  auto rows = db_->state_rows();
  EXPECT_NE(std::find(rows.begin(), rows.end(), "core/0002_slow|running"), rows.end())
      << ::testing::PrintToString(rows);
  EXPECT_FALSE(db_->has_table("after_slow"));
  // Interrupted once no runner holds the lock. PostgreSQL runs the killed runner's
  // statement to its end, holding its session's advisory lock: "running" until then.
  RunResult status;
  EXPECT_TRUE(eventually(
      [&] {
        status = project_.run({"status", "--json"});
        return states_of(parse_json(status.out))["core/0002_slow"] == "interrupted";
      },
      milliseconds(15000)))
      << status.describe();
}

TRELLIS_BACKENDS(CrashTest);

}  // namespace
}  // namespace trellis_test
