// The runner against a real in-memory SQLite database with injected faults.
#include "engine/migration_runner.h"

#include <gtest/gtest.h>

#include "db/drivers.h"
#include "fault_driver.h"
#include "test_project.h"

namespace trellis {
namespace {

using testing::FaultDriver;
using testing::mig;

class RunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    driver_ = std::make_unique<FaultDriver>(make_sqlite_driver(":memory:", OpenMode::kReadWrite));
    driver_->state().ensure();
    env_.name = "test";
    env_.settings.lock_retries = 2;
  }
  Migration two_tables(TxMode tx = TxMode::kTransactional) {
    Migration m = mig("a/0001_two");
    m.up.sql = "CREATE TABLE t1 (id int);\nCREATE TABLE t2 (id int);\n";
    m.tx = tx;
    return m;
  }
  bool table_exists(const std::string& name) {
    return driver_->connection().query_scalar("SELECT name FROM sqlite_master WHERE name = '" + name + "'").has_value();
  }
  StepOutcome run(const Migration& m, const StateRow* previous = nullptr) {
    return MigrationRunner(*driver_, env_, observer_, clock_).run(0, m, previous, driver_->dialect().split(m.up.sql, m.up.first_line));
  }

  struct Retries : ApplyObserver {
    int retries = 0;
    void on_retry(const Migration&, int, Millis, const std::string&) override { ++retries; }
  } observer_;
  // Records the runner's waits instead of sleeping them.
  struct RecordingClock : Clock {
    std::vector<Millis> sleeps;
    void sleep(Millis d) override { sleeps.push_back(d); }
  } clock_;
  std::unique_ptr<FaultDriver> driver_;
  Environment env_;
};

TEST_F(RunnerTest, AppliesAndRecordsInOneTransaction) {
  auto o = run(two_tables());
  EXPECT_EQ(o.result, StepResult::kApplied);
  EXPECT_TRUE(table_exists("t1"));
  EXPECT_TRUE(table_exists("t2"));
  auto rows = driver_->state().load_rows();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].status, RecordStatus::kApplied);
  EXPECT_EQ(driver_->state().load_history().back().action, "apply");
}

TEST_F(RunnerTest, LockTimeoutIsRetriedThenSucceeds) {
  driver_->inject(FaultDriver::Fault::kLockTimeout, 2, 2);  // statement 2 times out twice
  auto o = run(two_tables());
  EXPECT_EQ(o.result, StepResult::kApplied);
  EXPECT_EQ(o.attempts, 3);
  EXPECT_EQ(observer_.retries, 2);
  EXPECT_EQ(driver_->begins(), 3);
  EXPECT_TRUE(table_exists("t2"));
  // Waited the backoff before each retry (exponential with jitter), on the runner's clock.
  ASSERT_EQ(clock_.sleeps.size(), 2u);
  EXPECT_GE(clock_.sleeps[0], Millis{125});
  EXPECT_LE(clock_.sleeps[0], Millis{250});
  EXPECT_GE(clock_.sleeps[1], Millis{250});
  EXPECT_LE(clock_.sleeps[1], Millis{500});
}

TEST_F(RunnerTest, LockTimeoutGivesUpAfterRetriesLeavingNothing) {
  driver_->inject(FaultDriver::Fault::kLockTimeout, 2, 100);
  auto o = run(two_tables());
  EXPECT_EQ(o.result, StepResult::kFailed);
  EXPECT_EQ(o.attempts, 3);
  EXPECT_EQ(o.statement, 2);
  EXPECT_EQ(o.line, 4);
  EXPECT_NE(o.error.find("gave up after 3 attempts"), std::string::npos) << o.error;
  EXPECT_FALSE(table_exists("t1"));  // the first statement was rolled back too
  auto rows = driver_->state().load_rows();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].status, RecordStatus::kFailed);
  EXPECT_NE(rows[0].error.find("statement 2 (line 4)"), std::string::npos) << rows[0].error;
}

TEST_F(RunnerTest, SqlErrorIsNotRetried) {
  driver_->inject(FaultDriver::Fault::kSqlError, 1);
  auto o = run(two_tables());
  EXPECT_EQ(o.result, StepResult::kFailed);
  EXPECT_EQ(o.attempts, 1);
  EXPECT_EQ(observer_.retries, 0);
}

TEST_F(RunnerTest, LostConnectionPropagatesAndRecordsNothing) {
  driver_->inject(FaultDriver::Fault::kConnectionLost, 2);
  EXPECT_THROW(run(two_tables()), SqlError);
  EXPECT_TRUE(driver_->state().load_rows().empty());
  EXPECT_FALSE(table_exists("t1"));
}

TEST_F(RunnerTest, NonTransactionalRecordsProgressAndResumes) {
  Migration m = two_tables(TxMode::kNone);
  driver_->inject(FaultDriver::Fault::kSqlError, 2);
  auto failed = run(m);
  EXPECT_EQ(failed.result, StepResult::kFailed);
  EXPECT_TRUE(table_exists("t1"));  // statement 1 ran on its own and stays
  auto rows = driver_->state().load_rows();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].statements_done, 1);
  // The next run resumes after statement 1 (re-running it would fail: t1 exists).
  auto resumed = run(m, &rows[0]);
  EXPECT_EQ(resumed.result, StepResult::kApplied) << resumed.error;
  EXPECT_TRUE(table_exists("t2"));
  EXPECT_EQ(driver_->state().load_rows()[0].status, RecordStatus::kApplied);
}

TEST_F(RunnerTest, NonTransactionalStatementRetriedAloneOnLockTimeout) {
  Migration m = two_tables(TxMode::kNone);
  driver_->inject(FaultDriver::Fault::kLockTimeout, 2, 1);
  auto o = run(m);
  EXPECT_EQ(o.result, StepResult::kApplied) << o.error;
  EXPECT_EQ(driver_->executed(), 3);  // 1, 2 (timed out), 2 again; statement 1 not repeated
  EXPECT_EQ(observer_.retries, 1);
}

}  // namespace
}  // namespace trellis
