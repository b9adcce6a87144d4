#include "engine/backfill_runner.h"

#include <algorithm>
#include <thread>

#include "backfill/backfill_estimate.h"
#include "backfill/key_range.h"
#include "engine/bookkeeping.h"
#include "engine/migration_runner.h"
#include "trellis/error.h"
#include "util/clock.h"

namespace trellis {
namespace {

using SteadyClock = std::chrono::steady_clock;

std::int64_t ms_since(Clock& clock, SteadyClock::time_point t) {
  return std::chrono::duration_cast<Millis>(clock.now() - t).count();
}

const char* mode_name(const BatchSpec& spec) {
  return spec.mode == BatchSpec::Mode::kRange ? "range" : "until-empty";
}

std::string paused_text(const Migration& m, const BackfillCheckpoint& c) {
  return "backfill paused after " + backfill_done_text(c) + "; 'trellis backfill resume " + m.id + "' continues it";
}

}  // namespace

StepOutcome BackfillRunner::run(const Migration& m, const StateRow* previous, StepOutcome out) {
  (void)previous;  // the checkpoint, not the migration row, says where to continue
  started_ = now_iso8601();
  t0_ = clock_.now();
  observer_.on_start(m, 0);
  try {
    body_ = driver_.dialect().split(m.up.sql, m.up.first_line);
    cp_ = starting_point(m);
  } catch (const SqlError&) {
    throw;
  } catch (const Error& e) {
    return failed(m, out, e.what());
  }
  if (cp_.status == BackfillStatus::kPaused) {
    out.error = paused_text(m, cp_);
    return out;  // kNotRun: its dependents wait
  }
  if (cp_.batches > 0) {
    observer_.on_note(m, "resuming after batch " + std::to_string(cp_.batches) + " (" +
                             std::to_string(cp_.rows_done) + " rows done" +
                             (cp_.last_key ? ", last key " + *cp_.last_key : std::string()) + ")");
  }
  remaining_at_start_ = estimate_remaining(driver_, *m.batch, cp_.last_key, cp_.rows_done);
  cp_.status = BackfillStatus::kRunning;
  cp_.error.clear();
  driver_.connection().begin(timeouts_for(m, env_));  // bookkeeping never waits longer than a batch
  driver_.state().record(state_row(m, RecordStatus::kRunning, started_), history_event(m, "start"));
  driver_.state().save_checkpoint(cp_);
  driver_.connection().commit();
  for (;;) {
    BatchResult r = BatchResult::kMore;
    try {
      r = run_batch(m);
    } catch (const SqlError& e) {
      if (e.connection_lost()) throw;
      std::string error = e.what();
      if (current_ != nullptr) {
        out.statement = current_->index;
        out.line = current_->line;
      }
      return failed(m, out, error);
    }
    out.attempts = std::max(out.attempts, attempts_);
    out.duration_ms = ms_since(clock_, t0_);
    report(m, r == BatchResult::kDone);
    if (r == BatchResult::kDone) {
      out.result = StepResult::kApplied;
      return out;
    }
    if (r == BatchResult::kPaused) {
      out.error = paused_text(m, cp_);
      return out;
    }
    if (m.batch->pause.count() > 0) clock_.sleep(m.batch->pause);
    throttle(m);
  }
}

BackfillCheckpoint BackfillRunner::starting_point(const Migration& m) {
  for (auto& c : driver_.state().load_checkpoints()) {
    if (c.id != m.id || c.status == BackfillStatus::kDone) continue;  // done: rolled back since
    if (c.checksum != m.checksum) {
      throw Error(ErrorKind::kPlan,
                  m.path + ": backfill " + m.id + " ran " + std::to_string(c.batches) + " batch(es) with checksum " +
                      c.checksum.substr(0, 12) + " but its file now has " + m.checksum.substr(0, 12),
                  "revert the file to resume where it stopped, or delete its row from the backfills table "
                  "to start over");
    }
    return c;
  }
  BackfillCheckpoint c;
  c.id = m.id;
  c.checksum = m.checksum;
  c.mode = mode_name(*m.batch);
  c.started_at = c.updated_at = now_iso8601();
  return c;
}

BackfillRunner::BatchResult BackfillRunner::run_batch(const Migration& m) {
  Timeouts timeouts = timeouts_for(m, env_);
  for (int attempt = 0;; ++attempt) {
    attempts_ = attempt + 1;
    BackfillCheckpoint before = cp_;
    try {
      driver_.connection().begin(timeouts);
      BatchResult r = try_batch(m);
      driver_.connection().commit();
      return r;
    } catch (const SqlError& e) {
      driver_.connection().rollback();
      cp_ = before;  // nothing of this batch committed
      if (e.connection_lost() || !MigrationRunner::wait_to_retry(e, attempt, env_, m, observer_, clock_)) throw;
    }
  }
}

BackfillRunner::BatchResult BackfillRunner::try_batch(const Migration& m) {
  auto t = clock_.now();
  current_ = nullptr;
  for (const auto& c : driver_.state().load_checkpoints()) {
    if (c.id != m.id || !c.pause_requested) continue;
    cp_.status = BackfillStatus::kPaused;
    cp_.updated_at = now_iso8601();
    driver_.state().save_checkpoint(cp_);
    return BatchResult::kPaused;
  }
  const BatchSpec& spec = *m.batch;
  std::vector<BoundParam> params{{"size", std::to_string(spec.size), true}};
  std::optional<KeyValue> hi;
  if (spec.mode == BatchSpec::Mode::kRange) {
    if (!end_read_) {  // once per run, in its first batch (under the migration's timeouts)
      end_ = last_key(driver_, spec);
      end_read_ = true;
    }
    std::optional<KeyValue> lo = cp_.last_key ? std::optional(key_value(*cp_.last_key)) : first_lo(driver_, spec);
    if (lo && end_) hi = next_hi(driver_, spec, *lo, *end_);
    if (!hi) return finish(m);
    params.push_back(bound("lo", *lo));
    params.push_back(bound("hi", *hi));
  }
  std::int64_t changed = run_body(m, params);
  if (spec.mode == BatchSpec::Mode::kUntilEmpty && changed == 0) return finish(m);
  if (hi) cp_.last_key = hi->text;
  cp_.rows_done += changed;
  cp_.batches += 1;
  cp_.active_ms += ms_since(clock_, t);
  cp_.updated_at = now_iso8601();
  driver_.state().save_checkpoint(cp_);
  rows_this_run_ += changed;
  return BatchResult::kMore;
}

std::int64_t BackfillRunner::run_body(const Migration& m, const std::vector<BoundParam>& params) {
  (void)m;
  std::int64_t changed = 0;
  for (const auto& st : body_) {
    current_ = &st;
    changed += driver_.connection().execute_with(st, params);
  }
  current_ = nullptr;
  return changed;
}

BackfillRunner::BatchResult BackfillRunner::finish(const Migration& m) {
  cp_.status = BackfillStatus::kDone;
  cp_.updated_at = now_iso8601();
  driver_.state().save_checkpoint(cp_);
  StateRow row = state_row(m, RecordStatus::kApplied, started_);
  row.finished_at = cp_.updated_at;
  row.duration_ms = ms_since(clock_, t0_);
  HistoryEvent ev = history_event(m, "apply");
  ev.duration_ms = row.duration_ms;
  driver_.state().record(row, ev);
  return BatchResult::kDone;
}

StepOutcome BackfillRunner::failed(const Migration& m, StepOutcome out, const std::string& error) {
  out.error = error;
  out.duration_ms = ms_since(clock_, t0_);
  out.result = StepResult::kFailed;
  std::string where = describe_failure(out);
  StateRow row = state_row(m, RecordStatus::kFailed, started_);
  row.finished_at = now_iso8601();
  row.duration_ms = out.duration_ms;
  row.error = where;
  HistoryEvent ev = history_event(m, "fail");
  ev.error = where;
  ev.duration_ms = out.duration_ms;
  driver_.connection().begin(timeouts_for(m, env_));  // bookkeeping never waits longer than a batch
  driver_.state().record(row, ev);
  if (!cp_.id.empty()) {
    cp_.status = BackfillStatus::kFailed;
    cp_.error = where;
    cp_.updated_at = row.finished_at;
    driver_.state().save_checkpoint(cp_);
  }
  driver_.connection().commit();
  return out;
}

void BackfillRunner::report(const Migration& m, bool finished) {
  BackfillProgress p;
  p.rows_done = cp_.rows_done;
  p.batches = cp_.batches;
  p.finished = finished;
  double seconds = static_cast<double>(ms_since(clock_, t0_)) / 1000.0;
  if (seconds > 0) p.rows_per_second = static_cast<double>(rows_this_run_) / seconds;
  if (remaining_at_start_) p.rows_remaining = std::max<std::int64_t>(*remaining_at_start_ - rows_this_run_, 0);
  if (finished) p.rows_remaining = 0;
  observer_.on_batch(m, p);
}

}  // namespace trellis
