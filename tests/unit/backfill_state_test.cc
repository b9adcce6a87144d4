// backfill_state_test.cc — the one decision of where a backfill stands (trellis/backfill.h),
// and the wall-time rate, from rows made here (no database).
#include <gtest/gtest.h>

#include "trellis/backfill.h"
#include "util/clock.h"

namespace trellis {
namespace {

StateRow row(RecordStatus status) {
  StateRow r;
  r.id = "data/0002_fill";
  r.status = status;
  return r;
}

BackfillCheckpoint checkpoint(BackfillStatus status, bool pause_requested = false) {
  BackfillCheckpoint c;
  c.id = "data/0002_fill";
  c.status = status;
  c.pause_requested = pause_requested;
  c.rows_done = 1000;
  c.batches = 10;
  c.started_at = "2026-12-03T10:00:00.000Z";
  c.updated_at = "2026-12-03T10:00:10.000Z";
  return c;
}

std::string state(const StateRow* r, const BackfillCheckpoint* c, bool live) {
  return backfill_state_name(backfill_state(r, c, live));
}

TEST(BackfillState, EveryStateFromTheRowsAndTheLock) {
  StateRow started = row(RecordStatus::kRunning), failed = row(RecordStatus::kFailed),
           applied = row(RecordStatus::kApplied);
  BackfillCheckpoint running = checkpoint(BackfillStatus::kRunning), paused = checkpoint(BackfillStatus::kPaused),
                     done = checkpoint(BackfillStatus::kDone), broke = checkpoint(BackfillStatus::kFailed),
                     pausing = checkpoint(BackfillStatus::kRunning, true);
  EXPECT_EQ(state(nullptr, nullptr, false), "pending");
  EXPECT_EQ(state(nullptr, &done, false), "pending");  // rolled back since it finished
  EXPECT_EQ(state(&started, &running, true), "running");
  EXPECT_EQ(state(&started, &running, false), "interrupted");  // killed: nobody holds the lock
  EXPECT_EQ(state(&started, &pausing, true), "running");       // stops at its next batch
  EXPECT_EQ(state(&started, &pausing, false), "paused");       // the next run stops at once
  EXPECT_EQ(state(&started, &paused, true), "paused");
  EXPECT_EQ(state(&started, &paused, false), "paused");
  EXPECT_EQ(state(&failed, &broke, false), "failed");
  EXPECT_EQ(state(&failed, &broke, true), "failed");
  EXPECT_EQ(state(&applied, &done, false), "done");
  EXPECT_EQ(state(&applied, nullptr, false), "done");  // stamped: no checkpoint
}

TEST(BackfillState, RateIsOverWallTimePausesIncluded) {
  BackfillCheckpoint c = checkpoint(BackfillStatus::kPaused);
  auto start = *unix_ms_from_iso8601(c.started_at);
  // 1000 rows; 40 s since the first batch, whatever time the batches took.
  EXPECT_DOUBLE_EQ(wall_rows_per_second(c, BackfillState::kPaused, start + 40'000), 25.0);
  // Done: up to its last commit (10 s), not to now.
  EXPECT_DOUBLE_EQ(wall_rows_per_second(c, BackfillState::kDone, start + 400'000), 100.0);
  c.started_at = "not a time";
  EXPECT_EQ(wall_rows_per_second(c, BackfillState::kRunning, start), 0.0);
}

TEST(Iso8601, ReadsBackWhatItWrites) {
  for (std::int64_t ms : {0LL, 1'764'758'400'123LL, -86'400'000LL, 951'782'400'000LL}) {
    EXPECT_EQ(unix_ms_from_iso8601(iso8601_from_unix_ms(ms)), ms) << iso8601_from_unix_ms(ms);
  }
  EXPECT_EQ(unix_ms_from_iso8601("2026-12-03 10:00:00+00"), unix_ms_from_iso8601("2026-12-03T10:00:00.000Z"));
  EXPECT_EQ(unix_ms_from_iso8601("2026-12-03T10:00:00+02:00"), std::nullopt);
  EXPECT_EQ(unix_ms_from_iso8601("yesterday"), std::nullopt);
}

}  // namespace
}  // namespace trellis
