// migration_runner.h — runs one migration's up section, unit by unit (units.h):
// - one transactional unit: the statements and the migration's row commit together,
//   retried whole after a lock timeout (the fast, common path);
// - several units (a chunked or non-transactional section): a `running` row first, then
//   each unit commits together with its progress, and a statement that cannot run in a
//   transaction is judged from the database's state before it runs again after an
//   interruption (SqlDialect::before_outside). Every write of the migration's row is guarded
//   (RowGuard): two runners can never both record the same step.
// Bookkeeping writes run in transactions with the migration's timeouts, so they never wait
// behind a user's lock for longer than its statements would; a failure names the migration.
#pragma once

#include "engine/units.h"
#include "trellis/apply.h"
#include "trellis/error.h"
#include "util/clock.h"

namespace trellis {

class MigrationRunner {
 public:
  MigrationRunner(Driver& driver, const Environment& env, ApplyObserver& observer,
                  Clock& clock = system_clock())
      : driver_(driver), env_(env), observer_(observer), clock_(clock) {}

  // `previous` is the migration's row before this run (failed or interrupted), if any;
  // `statements` its up section, split by the driver, traits filled in.
  StepOutcome run(Node node, const Migration& m, const StateRow* previous,
                  const std::vector<Statement>& statements);

  // The wait before retry `attempt` (0-based) after a lock timeout: exponential with jitter.
  static Millis backoff(int attempt);
  // After attempt `attempt` (0-based) failed with `e`: when `e` is a lock timeout and
  // retries remain, tells the observer, waits the backoff on `clock` and returns true.
  static bool wait_to_retry(const SqlError& e, int attempt, const Environment& env, const Migration& m,
                            ApplyObserver& observer, Clock& clock);

 private:
  struct Progress {
    std::string started;
    int done = 0;       // statements finished
    int expected = -1;  // what the row says now (RowGuard::expected_done)
    std::string expected_started;  // and its started_at (RowGuard::expected_started)
    RowGuard guard() const { return RowGuard{expected, expected_started}; }
  };

  StepOutcome run_single(const Migration& m, const StateRow* previous,
                         const std::vector<Statement>& statements, StepOutcome out);
  StepOutcome run_units(const Migration& m, const StateRow* previous,
                        const std::vector<Statement>& statements, const std::vector<Unit>& units,
                        StepOutcome out);
  // One unit that commits with its progress; false when it failed (out filled in).
  bool run_tx_unit(const Migration& m, const std::vector<Statement>& statements, const Unit& unit,
                   bool last, Progress& p, StepOutcome& out);
  // One statement outside a transaction, then its progress; false when it failed.
  bool run_outside(const Migration& m, const Statement& st, bool may_have_run, bool last,
                   Progress& p, StepOutcome& out);
  // Writes the row in a transaction of its own with the migration's timeouts, retrying
  // lock timeouts; throws the last SqlError when it cannot.
  void bookkeep(const Migration& m, const StateRow& row, const HistoryEvent& event, const RowGuard& guard);
  StateRow progress_row(const Migration& m, const Progress& p, bool applied) const;
  // Records the failure (guarded, in its own transaction); returns the outcome.
  StepOutcome fail(const Migration& m, StepOutcome out, const Progress& p);

  Driver& driver_;
  const Environment& env_;
  ApplyObserver& observer_;
  Clock& clock_;
  std::chrono::steady_clock::time_point t0_ = clock_.now();
  bool warned_session_ = false;
};

}  // namespace trellis
