// backfill_runner.h — runs a batched backfill (`-- batch:`) one short transaction per
// batch, each committing its checkpoint with it; resumes from the last committed batch;
// stops cleanly at a batch boundary when a pause is requested. Semantics: trellis/backfill.h.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "backfill/key_range.h"
#include "trellis/apply.h"
#include "util/clock.h"

namespace trellis {

class BackfillRunner {
 public:
  BackfillRunner(Driver& driver, const Environment& env, ApplyObserver& observer, Clock& clock)
      : driver_(driver), env_(env), observer_(observer), clock_(clock) {}

  // `previous` is the migration's row before this run, if any. Applied only when the
  // last batch is done; kNotRun (with the reason in `error`) when paused; kFailed with
  // the checkpoint kept at the last committed batch when a batch fails.
  StepOutcome run(const Migration& m, const StateRow* previous, StepOutcome out);

 private:
  enum class BatchResult { kMore, kDone, kPaused };

  // Loads the checkpoint to continue from, or starts a new one. Throws Error(kPlan) when
  // the file changed since the batches so far ran.
  BackfillCheckpoint starting_point(const Migration& m);
  // One transaction: the pause flag, the bounds, the body, the checkpoint (and, when the
  // walk is over, the migration's applied row). Retries lock timeouts with backoff. The
  // first batch of a run also reads where the walk ends (key_range.h, last_key).
  BatchResult run_batch(const Migration& m);
  BatchResult try_batch(const Migration& m);
  std::int64_t run_body(const Migration& m, const std::vector<BoundParam>& params);
  BatchResult finish(const Migration& m);
  StepOutcome failed(const Migration& m, StepOutcome out, const std::string& error);
  // Between batches: waits while a replica lags more than the max_replica_lag setting
  // behind this backfill's writes (backfill_throttle.cc).
  void throttle(const Migration& m);
  // Then waits while more than max_active_queries other queries are active on the database.
  void throttle_load(const Migration& m);
  double replica_lag(const ReplicaPosition& replica, std::chrono::steady_clock::time_point now) const;
  void report(const Migration& m, bool finished);

  Driver& driver_;
  const Environment& env_;
  ApplyObserver& observer_;
  Clock& clock_;
  BackfillCheckpoint cp_;
  std::vector<Statement> body_;
  const Statement* current_ = nullptr;  // the statement running when a batch failed
  std::string started_;
  std::chrono::steady_clock::time_point t0_;
  std::int64_t rows_this_run_ = 0;
  std::optional<std::int64_t> remaining_at_start_;
  std::optional<KeyValue> end_;  // range mode: the walk of this run stops at this key
  bool end_read_ = false;
  bool load_unknown_noted_ = false;  // max_active_queries: told once that the load is unknown
  int attempts_ = 1;
  // The WAL position after each batch and when it was read, oldest first, until every
  // replica has replayed it (for the throttle's measure of lag).
  std::vector<std::pair<std::uint64_t, std::chrono::steady_clock::time_point>> written_;
};

}  // namespace trellis
