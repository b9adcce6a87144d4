#include "engine/migration_runner.h"

#include <chrono>
#include <random>
#include <thread>

#include "engine/backfill_runner.h"
#include "engine/bookkeeping.h"
#include "trellis/error.h"
#include "util/clock.h"

namespace trellis {
namespace {

using SteadyClock = std::chrono::steady_clock;

std::int64_t elapsed_ms(Clock& clock, SteadyClock::time_point since) {
  return std::chrono::duration_cast<Millis>(clock.now() - since).count();
}

void locate(StepOutcome& out, const Statement& st) {
  out.statement = st.index;
  out.line = st.line;
}

}  // namespace

Millis MigrationRunner::backoff(int attempt) {
  // Exponential with full jitter: a random wait in [base/2, base], base = 250ms * 2^attempt,
  // capped at 15s, so concurrent runners do not retry in lock step.
  static thread_local std::mt19937 rng{std::random_device{}()};
  std::int64_t base = std::min<std::int64_t>(250LL << std::min(attempt, 6), 15000);
  std::uniform_int_distribution<std::int64_t> dist(base / 2, base);
  return Millis{dist(rng)};
}

bool MigrationRunner::wait_to_retry(const SqlError& e, int attempt, const Environment& env,
                                    const Migration& m, ApplyObserver& observer, Clock& clock) {
  if (!e.lock_timeout() || attempt >= env.settings.lock_retries) return false;
  Millis wait = backoff(attempt);
  observer.on_retry(m, attempt + 1, wait, e.what());
  clock.sleep(wait);
  return true;
}

StepOutcome MigrationRunner::run(Node node, const Migration& m, const StateRow* previous,
                                 const std::vector<Statement>& statements) {
  StepOutcome out;
  out.node = node;
  t0_ = clock_.now();
  if (m.batch) return BackfillRunner(driver_, env_, observer_, clock_).run(m, previous, out);
  std::vector<Diagnostic> problems;  // reported by preflight() before anything ran
  std::vector<Unit> units = units_of(m.path, m.tx, statements, problems);
  if (units.size() <= 1 && (units.empty() || !units[0].outside) && m.tx == TxMode::kTransactional) {
    return run_single(m, previous, statements, out);
  }
  return run_units(m, previous, statements, units, out);
}

StateRow MigrationRunner::progress_row(const Migration& m, const Progress& p, bool applied) const {
  StateRow row = state_row(m, applied ? RecordStatus::kApplied : RecordStatus::kRunning, p.started);
  row.statements_done = p.done;
  if (applied) {
    row.finished_at = now_iso8601();
    row.duration_ms = elapsed_ms(clock_, t0_);
  }
  return row;
}

void MigrationRunner::bookkeep(const Migration& m, const StateRow& row, const HistoryEvent& event,
                               const RowGuard& guard) {
  for (int attempt = 0;; ++attempt) {
    try {
      driver_.connection().begin(timeouts_for(m, env_));
      driver_.state().record_guarded_and_commit(row, event, guard);
      return;
    } catch (const SqlError& e) {
      driver_.connection().rollback();
      if (e.connection_lost()) throw;
      if (wait_to_retry(e, attempt, env_, m, observer_, clock_)) continue;
      throw;
    }
  }
}

StepOutcome MigrationRunner::fail(const Migration& m, StepOutcome out, const Progress& p) {
  out.duration_ms = elapsed_ms(clock_, t0_);
  if (p.done > 0) {
    out.error += "\n(statements 1-" + std::to_string(p.done) + " are committed and stay; the "
                 "next apply resumes after them if the file is unchanged, and an edited file "
                 "starts over from statement 1)";
  }
  out.result = StepResult::kFailed;
  StateRow row = state_row(m, RecordStatus::kFailed, p.started);
  row.finished_at = now_iso8601();
  row.duration_ms = out.duration_ms;
  row.error = describe_failure(out);
  row.statements_done = p.done;
  HistoryEvent ev = history_event(m, "fail");
  ev.error = row.error;
  ev.duration_ms = out.duration_ms;
  try {
    bookkeep(m, row, ev, p.guard());
  } catch (const SqlError& e) {
    if (e.connection_lost()) throw;
    out.error += " (and the failure could not be recorded: " + std::string(e.what()) + ")";
  }
  return out;
}

StepOutcome MigrationRunner::run_single(const Migration& m, const StateRow* previous,
                                        const std::vector<Statement>& statements, StepOutcome out) {
  Progress p{now_iso8601(), 0, previous != nullptr ? previous->statements_done : -1,
             previous != nullptr ? previous->started_at : ""};
  observer_.on_start(m, 0);
  Timeouts timeouts = timeouts_for(m, env_);
  for (int attempt = 0;; ++attempt) {
    out.attempts = attempt + 1;
    const Statement* current = nullptr;
    try {
      driver_.connection().begin(timeouts);
      for (const auto& st : statements) {
        current = &st;
        if (executes(st)) driver_.connection().execute(st);
      }
      current = nullptr;
      Progress finished = p;
      finished.done = static_cast<int>(statements.size());
      StateRow row = progress_row(m, finished, true);
      out.duration_ms = row.duration_ms;
      HistoryEvent ev = history_event(m, "apply");
      ev.duration_ms = row.duration_ms;
      driver_.state().record_guarded_and_commit(row, ev, p.guard());
      out.result = StepResult::kApplied;
      return out;
    } catch (const SqlError& e) {
      driver_.connection().rollback();
      if (e.connection_lost()) throw;
      if (wait_to_retry(e, attempt, env_, m, observer_, clock_)) continue;
      out.error = current != nullptr ? e.what() : "recording it in trellis' state: " + std::string(e.what());
      if (e.lock_timeout()) out.error += " (gave up after " + std::to_string(attempt + 1) + " attempts)";
      if (current != nullptr) locate(out, *current);
      return fail(m, out, p);
    }
  }
}

StepOutcome MigrationRunner::run_units(const Migration& m, const StateRow* previous,
                                       const std::vector<Statement>& statements,
                                       const std::vector<Unit>& units, StepOutcome out) {
  // Resume after what an interrupted or failed run finished, but only if the file is the
  // one that run used; an edited file starts over.
  Progress p{now_iso8601(), 0, previous != nullptr ? previous->statements_done : -1,
             previous != nullptr ? previous->started_at : ""};
  bool resumed = previous != nullptr && previous->checksum == m.checksum &&
                 previous->statements_done <= static_cast<int>(statements.size());
  if (resumed) p.done = previous->statements_done;
  const bool interrupted = resumed && previous->status == RecordStatus::kRunning;
  observer_.on_start(m, p.done);
  try {
    bookkeep(m, progress_row(m, p, false), history_event(m, "start"), p.guard());
  } catch (const SqlError& e) {
    if (e.connection_lost()) throw;
    out.error = "recording its start in trellis' state: " + std::string(e.what());
    out.result = StepResult::kFailed;
    out.duration_ms = elapsed_ms(clock_, t0_);
    return out;  // nothing ran, and the state table cannot be written: nothing to record
  }
  p.expected = p.done;
  p.expected_started = p.started;  // from now on the row is this run's
  const int resume_point = p.done;
  bool recorded_applied = false;
  for (std::size_t u = 0; u < units.size(); ++u) {
    const Unit& unit = units[u];
    if (static_cast<int>(unit.end) <= p.done) continue;
    bool last = u + 1 == units.size();
    recorded_applied = last;
    // An interrupted run (row still `running`) may have finished its last statement; a
    // failed one recorded that its statement failed, which judging must not mistake for
    // "may have taken effect" (what a failed CREATE INDEX CONCURRENTLY leaves is still
    // cleaned).
    bool may_have_run = interrupted && static_cast<int>(unit.begin) == resume_point;
    bool ok = unit.outside
                  ? run_outside(m, statements[unit.begin], may_have_run, last, p, out)
                  : run_tx_unit(m, statements, unit, last, p, out);
    if (!ok) return fail(m, out, p);
  }
  if (!recorded_applied) {  // nothing left to run: only the row was behind
    try {
      bookkeep(m, progress_row(m, p, true), history_event(m, "apply"), p.guard());
    } catch (const SqlError& e) {
      if (e.connection_lost()) throw;
      out.error = "recording it as applied in trellis' state: " + std::string(e.what());
      return fail(m, out, p);
    }
  }
  out.duration_ms = elapsed_ms(clock_, t0_);
  out.result = StepResult::kApplied;
  return out;
}

bool MigrationRunner::run_tx_unit(const Migration& m, const std::vector<Statement>& statements,
                                  const Unit& unit, bool last, Progress& p, StepOutcome& out) {
  Timeouts timeouts = timeouts_for(m, env_);
  for (int attempt = 0;; ++attempt) {
    out.attempts = std::max(out.attempts, attempt + 1);
    const Statement* current = nullptr;
    try {
      driver_.connection().begin(timeouts);
      for (std::size_t i = unit.begin; i < unit.end; ++i) {
        current = &statements[i];
        if (executes(*current)) driver_.connection().execute(*current);
      }
      current = nullptr;
      Progress next = p;
      next.done = static_cast<int>(unit.end);
      StateRow row = progress_row(m, next, last);
      HistoryEvent ev = last ? history_event(m, "apply") : HistoryEvent{};
      ev.duration_ms = row.duration_ms;
      driver_.state().record_guarded_and_commit(row, ev, p.guard());
      p.done = p.expected = next.done;
      return true;
    } catch (const SqlError& e) {
      driver_.connection().rollback();
      if (e.connection_lost()) throw;
      if (wait_to_retry(e, attempt, env_, m, observer_, clock_)) continue;
      out.error = current != nullptr ? e.what() : "recording progress in trellis' state: " + std::string(e.what());
      if (e.lock_timeout()) out.error += " (gave up after " + std::to_string(attempt + 1) + " attempts)";
      locate(out, current != nullptr ? *current : statements[unit.end - 1]);
      return false;
    }
  }
}

bool MigrationRunner::run_outside(const Migration& m, const Statement& st, bool may_have_run,
                                  bool last, Progress& p, StepOutcome& out) {
  Timeouts timeouts = timeouts_for(m, env_);
  for (int attempt = 0;; ++attempt) {
    out.attempts = std::max(out.attempts, attempt + 1);
    try {
      // Timeouts first: judging may drop an index or build a probe, which must not wait
      // behind a user's lock either.
      if (!driver_.connection().set_session_timeouts(timeouts) && !warned_session_) {
        warned_session_ = true;
        observer_.on_note(m, "lock_timeout and statement_timeout cannot be set for a statement "
                             "outside a transaction through a pooler: statement " +
                             std::to_string(st.index) + " runs without them");
      }
      OutsideVerdict verdict = driver_.dialect().before_outside(st, may_have_run || attempt > 0);
      for (const auto& note : verdict.notes) observer_.on_note(m, note);
      if (verdict.action == OutsideVerdict::Action::kCannotTell) {
        out.error = "an interrupted run may have finished this statement, and Trellis cannot "
                    "tell: " + verdict.detail;
        locate(out, st);
        return false;
      }
      if (verdict.action == OutsideVerdict::Action::kDone) {
        observer_.on_note(m, statement_location(st.index, st.line) + ": " + verdict.detail);
      } else {
        Statement run = st;
        if (!verdict.instead.empty()) run.sql = verdict.instead;
        driver_.connection().execute(run);
      }
      break;
    } catch (const SqlError& e) {
      if (e.connection_lost()) throw;
      if (wait_to_retry(e, attempt, env_, m, observer_, clock_)) continue;
      out.error = e.what();
      locate(out, st);
      return false;
    }
  }
  Progress next = p;
  next.done = st.index;
  HistoryEvent ev = last ? history_event(m, "apply") : HistoryEvent{};
  StateRow row = progress_row(m, next, last);
  ev.duration_ms = row.duration_ms;
  try {
    bookkeep(m, row, ev, p.guard());
  } catch (const SqlError& e) {
    if (e.connection_lost()) throw;
    out.error = "statement " + std::to_string(st.index) + " ran, but recording that in trellis' "
                "state failed: " + std::string(e.what()) + "; the next apply judges it again";
    locate(out, st);
    return false;
  }
  p.done = p.expected = next.done;
  return true;
}

}  // namespace trellis
