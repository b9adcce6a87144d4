// row_guard_test.cc — the guarded bookkeeping write on both backends: a runner's write of
// a migration's row succeeds only when the row is as that runner last saw it, so two
// runners can never both record the same step, lock or no lock.
#include "harness.h"
#include "trellis/driver.h"
#include "trellis/error.h"

namespace trellis_test {
namespace {

using trellis::RecordStatus;
using trellis::RowGuard;
using trellis::StateRow;

class RowGuardTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    driver_ = trellis::open_driver(db_->url(), trellis::OpenMode::kReadWrite, "trellis");
    driver_->state().ensure();
  }
  static StateRow row(const std::string& id, RecordStatus status, const std::string& started, int done) {
    StateRow r;
    r.id = id;
    r.feature = "f";
    r.checksum = "c";
    r.phase = "expand";
    r.status = status;
    r.started_at = started;
    r.statements_done = done;
    return r;
  }
  // Writes `r` guarded by `guard` in a transaction of its own; false when refused.
  bool write(const StateRow& r, const RowGuard& guard) {
    driver_->connection().begin(trellis::Timeouts{});
    try {
      driver_->state().record_guarded_and_commit(r, trellis::HistoryEvent{}, guard);
      return true;
    } catch (const trellis::Error& e) {
      EXPECT_EQ(e.kind(), trellis::ErrorKind::kLock) << e.what();
      EXPECT_NE(std::string(e.what()).find("recorded by another runner"), std::string::npos) << e.what();
      driver_->connection().rollback();
      return false;
    }
  }
  std::unique_ptr<trellis::Driver> driver_;
};

TEST_P(RowGuardTest, TwoRunnersCannotBothResumeTheSameFailedRow) {
  const std::string t0 = "2026-12-01T10:00:00.000Z", ta = "2026-12-02T10:00:00.001Z",
                    tb = "2026-12-02T10:00:00.002Z";
  driver_->state().record(row("f/0001_x", RecordStatus::kFailed, t0, 2), trellis::HistoryEvent{});
  // Both read failed|2|t0. A's start goes through; B's, guarded by what it read, does not.
  EXPECT_TRUE(write(row("f/0001_x", RecordStatus::kRunning, ta, 2), RowGuard{2, t0}));
  EXPECT_FALSE(write(row("f/0001_x", RecordStatus::kRunning, tb, 2), RowGuard{2, t0}));
  // A goes on from its own row.
  EXPECT_TRUE(write(row("f/0001_x", RecordStatus::kRunning, ta, 3), RowGuard{2, ta}));
  EXPECT_TRUE(write(row("f/0001_x", RecordStatus::kApplied, ta, 4), RowGuard{3, ta}));
  // Nothing moves an applied row, whatever it expects.
  EXPECT_FALSE(write(row("f/0001_x", RecordStatus::kRunning, tb, 4), RowGuard{4, ta}));
  EXPECT_EQ(db_->state_rows(), std::vector<std::string>{"f/0001_x|applied"});
}

TEST_P(RowGuardTest, ARowThatMustBeNewCannotBeWrittenTwice) {
  const std::string t = "2026-12-02T10:00:00.000Z";
  EXPECT_TRUE(write(row("f/0002_y", RecordStatus::kApplied, t, 1), RowGuard{}));
  EXPECT_FALSE(write(row("f/0002_y", RecordStatus::kApplied, t, 1), RowGuard{}));
  EXPECT_EQ(db_->history_count("f/0002_y", "apply"), 0);
}

TRELLIS_BACKENDS(RowGuardTest);

}  // namespace
}  // namespace trellis_test
