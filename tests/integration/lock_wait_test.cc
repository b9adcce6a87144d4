// lock_wait_test.cc — a runner that waits for the lock says who holds it, once when it
// starts waiting and every few seconds after (issue 10 §6).
#include <thread>

#include "harness.h"
#include "trellis/driver.h"

namespace trellis_test {
namespace {

class LockWaitTest : public BackendTest {};

TEST_P(LockWaitTest, AWaitingRunnerSaysWhoHoldsTheLock) {
  project_.write_simple_config(db_->url());
  project_.write_migration("core", "0001_init.sql", migration("", "CREATE TABLE t (id integer);"));
  ASSERT_EQ(project_.run({"apply"}).exit_code, 0);  // the database and its state exist
  project_.write_migration("core", "0002_more.sql", migration("", "CREATE TABLE u (id integer);"));
  auto holder = trellis::open_driver(db_->url(), trellis::OpenMode::kReadWrite, "trellis");
  holder->lock().acquire(trellis::Millis{0});
  Child waiter(project_.options({"apply", "--lock-wait", "20s"}));
  EXPECT_TRUE(waiter.wait_for_output("Waiting up to 20s for the runner lock, held by", milliseconds(10000)));
  EXPECT_TRUE(waiter.wait_for_output("Still waiting for the runner lock", milliseconds(10000)));
  holder->lock().release();
  RunResult result = waiter.finish(milliseconds(20000));
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  if (!is_sqlite()) {
    EXPECT_NE(result.out.find("held by pid "), std::string::npos) << result.describe();
  }
  EXPECT_EQ(db_->applied_ids(), (std::vector<std::string>{"core/0001_init", "core/0002_more"}));
}

TRELLIS_BACKENDS(LockWaitTest);

}  // namespace
}  // namespace trellis_test
