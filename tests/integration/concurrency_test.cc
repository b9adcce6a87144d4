// concurrency_test.cc — two runners on one database at once (scenario 5).
#include "harness.h"

namespace trellis_test {
namespace {

class ConcurrencyTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    project_.write_simple_config(db_->url());
  }

  void write_slow_migrations(int count, double seconds_each) {
    for (int i = 1; i <= count; ++i) {
      std::string n = std::to_string(i);
      project_.write_migration(i % 2 ? "core" : "billing", "000" + n + "_step" + n + ".sql",
                               migration("", "CREATE TABLE step" + n + " (id integer);\n" +
                                                 slow_statement(GetParam(), seconds_each)));
    }
  }

  // Every migration applied exactly once, and nothing failed.
  void expect_each_applied_once(size_t count) {
    EXPECT_EQ(db_->applied_ids().size(), count);
    auto events = db_->history();
    EXPECT_EQ(events.size(), count) << "history must hold one apply event per migration";
    for (const auto& id : db_->applied_ids()) {
      EXPECT_EQ(db_->history_count(id, "apply"), 1) << id;
    }
  }
};

TEST_P(ConcurrencyTest, TwoRunnersStartedAtOnceApplyEachMigrationOnce) {
  write_slow_migrations(6, 0.2);
  Child first(project_.options({"apply"}));
  Child second(project_.options({"apply"}));
  RunResult a = first.finish(milliseconds(60000));
  RunResult b = second.finish(milliseconds(60000));
  EXPECT_EQ(a.exit_code, 0) << a.describe();
  EXPECT_EQ(b.exit_code, 0) << b.describe();
  expect_each_applied_once(6);
  for (int i = 1; i <= 6; ++i) EXPECT_TRUE(db_->has_table("step" + std::to_string(i)));
}

TEST_P(ConcurrencyTest, SecondRunnerWithShortLockWaitExitsThree) {
  write_slow_migrations(1, 2.5);
  Child first(project_.options({"apply"}));
  // Let the first runner take the lock and start its slow migration.
  bool started = wait_for_slow_statement(first, *db_);
  ASSERT_TRUE(started) << first.finish(milliseconds(1000)).describe();
  RunResult loser = project_.run({"apply", "--lock-wait", "200ms"});
  EXPECT_EQ(loser.exit_code, 3) << loser.describe();
  EXPECT_NE(loser.err.find("trellis: error: "), std::string::npos) << loser.describe();
  RunResult winner = first.finish(milliseconds(60000));
  EXPECT_EQ(winner.exit_code, 0) << winner.describe();
  expect_each_applied_once(1);
}

TRELLIS_BACKENDS(ConcurrencyTest);

}  // namespace
}  // namespace trellis_test
