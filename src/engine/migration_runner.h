// migration_runner.h — runs one migration's up section: transactional (statements and
// history row commit together, retried whole on lock timeout) or not (started row first,
// each statement retried on its own, progress recorded, leftovers cleaned on resume).
#pragma once

#include "trellis/apply.h"
#include "trellis/error.h"

namespace trellis {

class MigrationRunner {
 public:
  MigrationRunner(Driver& driver, const Environment& env, ApplyObserver& observer)
      : driver_(driver), env_(env), observer_(observer) {}

  // `previous` is the migration's row before this run (failed or interrupted), if any;
  // `statements` its up section, split by the driver.
  StepOutcome run(Node node, const Migration& m, const StateRow* previous,
                  const std::vector<Statement>& statements);

  // The wait before retry `attempt` (0-based) after a lock timeout: exponential with jitter.
  static Millis backoff(int attempt);
  // After attempt `attempt` (0-based) failed with `e`: when `e` is a lock timeout and
  // retries remain, tells the observer, waits the backoff and returns true.
  static bool wait_to_retry(const SqlError& e, int attempt, const Environment& env, const Migration& m,
                            ApplyObserver& observer);

 private:
  StepOutcome run_transactional(const Migration& m, const std::vector<Statement>& statements,
                                StepOutcome out);
  StepOutcome run_non_transactional(const Migration& m, const StateRow* previous,
                                    const std::vector<Statement>& statements, StepOutcome out);
  // Records the failure in its own transaction; returns the outcome.
  StepOutcome fail(const Migration& m, StepOutcome out, const std::string& started, int done);

  Driver& driver_;
  const Environment& env_;
  ApplyObserver& observer_;
};

}  // namespace trellis
