#include "engine/migration_runner.h"

#include <chrono>
#include <random>
#include <thread>

#include "backfill/backfill_runner.h"
#include "engine/bookkeeping.h"
#include "trellis/error.h"
#include "util/clock.h"

namespace trellis {
namespace {

using SteadyClock = std::chrono::steady_clock;

std::int64_t elapsed_ms(SteadyClock::time_point since) {
  return std::chrono::duration_cast<Millis>(SteadyClock::now() - since).count();
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
                                    const Migration& m, ApplyObserver& observer) {
  if (!e.lock_timeout() || attempt >= env.settings.lock_retries) return false;
  Millis wait = backoff(attempt);
  observer.on_retry(m, attempt + 1, wait, e.what());
  std::this_thread::sleep_for(wait);
  return true;
}

StepOutcome MigrationRunner::run(Node node, const Migration& m, const StateRow* previous,
                                 const std::vector<Statement>& statements) {
  StepOutcome out;
  out.node = node;
  if (m.batch) return BackfillRunner(driver_, env_, observer_).run(m, previous, out);
  if (m.tx == TxMode::kNone) return run_non_transactional(m, previous, statements, out);
  return run_transactional(m, statements, out);
}

StepOutcome MigrationRunner::fail(const Migration& m, StepOutcome out, const std::string& started,
                                  int done) {
  StateRow row = state_row(m, RecordStatus::kFailed, started);
  row.finished_at = now_iso8601();
  row.duration_ms = out.duration_ms;
  row.error = describe_failure(out);
  row.statements_done = done;
  HistoryEvent ev = history_event(m, "fail");
  ev.error = row.error;
  ev.duration_ms = out.duration_ms;
  driver_.begin(Timeouts{});
  driver_.record_and_commit(row, ev);
  out.result = StepResult::kFailed;
  return out;
}

StepOutcome MigrationRunner::run_transactional(const Migration& m,
                                               const std::vector<Statement>& statements,
                                               StepOutcome out) {
  std::string started = now_iso8601();
  auto t0 = SteadyClock::now();
  observer_.on_start(m, 0);
  Timeouts timeouts = timeouts_for(m, env_);
  for (int attempt = 0;; ++attempt) {
    out.attempts = attempt + 1;
    const Statement* current = nullptr;
    try {
      driver_.begin(timeouts);
      for (const auto& st : statements) {
        current = &st;
        driver_.execute(st);
      }
      current = nullptr;
      StateRow row = state_row(m, RecordStatus::kApplied, started);
      row.finished_at = now_iso8601();
      row.duration_ms = out.duration_ms = elapsed_ms(t0);
      row.statements_done = static_cast<int>(statements.size());
      HistoryEvent ev = history_event(m, "apply");
      ev.duration_ms = row.duration_ms;
      driver_.record_and_commit(row, ev);
      out.result = StepResult::kApplied;
      return out;
    } catch (const SqlError& e) {
      driver_.rollback();
      if (e.connection_lost()) throw;
      if (wait_to_retry(e, attempt, env_, m, observer_)) continue;
      out.error = e.what();
      if (e.lock_timeout()) out.error += " (gave up after " + std::to_string(attempt + 1) + " attempts)";
      if (current != nullptr) {
        out.statement = current->index;
        out.line = current->line;
      }
      out.duration_ms = elapsed_ms(t0);
      return fail(m, out, started, 0);
    }
  }
}

StepOutcome MigrationRunner::run_non_transactional(const Migration& m, const StateRow* previous,
                                                   const std::vector<Statement>& statements,
                                                   StepOutcome out) {
  std::string started = now_iso8601();
  auto t0 = SteadyClock::now();
  // Resume after the statements an interrupted or failed run finished, but only if the
  // file is the one that run used; an edited file starts over.
  int done = 0;
  if (previous != nullptr && previous->checksum == m.checksum) done = previous->statements_done;
  if (done > static_cast<int>(statements.size())) done = 0;
  observer_.on_start(m, done);
  StateRow row = state_row(m, RecordStatus::kRunning, started);
  row.statements_done = done;
  driver_.record(row, history_event(m, "start"));
  Timeouts timeouts = timeouts_for(m, env_);
  driver_.set_session_timeouts(timeouts);
  for (std::size_t i = static_cast<std::size_t>(done); i < statements.size(); ++i) {
    const Statement& st = statements[i];
    for (int attempt = 0;; ++attempt) {
      out.attempts = std::max(out.attempts, attempt + 1);
      try {
        for (const auto& note : driver_.clean_leftovers(st)) observer_.on_note(m, note);
        driver_.execute(st);
        break;
      } catch (const SqlError& e) {
        if (e.connection_lost()) throw;
        if (wait_to_retry(e, attempt, env_, m, observer_)) continue;
        out.error = e.what();
        out.statement = st.index;
        out.line = st.line;
        out.duration_ms = elapsed_ms(t0);
        return fail(m, out, started, static_cast<int>(i));
      }
    }
    row.statements_done = static_cast<int>(i + 1);
    if (i + 1 < statements.size()) driver_.record(row, HistoryEvent{});  // progress only
  }
  row.status = RecordStatus::kApplied;
  row.finished_at = now_iso8601();
  row.duration_ms = out.duration_ms = elapsed_ms(t0);
  HistoryEvent ev = history_event(m, "apply");
  ev.duration_ms = row.duration_ms;
  driver_.record(row, ev);
  out.result = StepResult::kApplied;
  return out;
}

}  // namespace trellis
