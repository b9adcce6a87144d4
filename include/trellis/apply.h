// trellis/apply.h — runs a plan with failure isolation, lock-timeout retries and
// crash-safe bookkeeping (README.md, "How apply behaves").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "trellis/backfill.h"
#include "trellis/driver.h"
#include "trellis/plan.h"
#include "trellis/workspace.h"

namespace trellis {

enum class StepResult { kApplied, kFailed, kBlocked, kNotRun };
const char* step_result_name(StepResult r);  // "applied", "failed", "blocked", "not-run"

struct StepOutcome {
  Node node = 0;
  StepResult result = StepResult::kNotRun;
  std::int64_t duration_ms = 0;
  std::string error;      // database message
  int statement = 0;      // 1-based statement of the section that failed
  int line = 0;           // its line in the file
  int attempts = 0;
  std::string blocked_by; // id of the failed/blocked dependency
};

// "statement 2 (line 7): <database message>", or the message alone when no statement ran.
std::string describe_failure(const StepOutcome& outcome);

// A problem found in migration `m`'s file (a section that does not split, say): `d` with
// m's path and id where it names no file or migration.
Diagnostic in_file(Diagnostic d, const Migration& m);

// Told about progress as it happens (the CLI prints it; tests may record it).
class ApplyObserver {
 public:
  virtual ~ApplyObserver() = default;
  virtual void on_start(const Migration&, int resume_from) { (void)resume_from; }
  virtual void on_retry(const Migration&, int attempt, Millis wait, const std::string& why) {
    (void)attempt, (void)wait, (void)why;
  }
  virtual void on_note(const Migration&, const std::string& note) { (void)note; }
  virtual void on_done(const Migration&, const StepOutcome&) {}
  // After each committed batch of a batched backfill.
  virtual void on_batch(const Migration&, const BackfillProgress&) {}
};

enum class FailurePolicy { kIsolate, kFailFast };

struct ApplyOptions {
  FailurePolicy on_failure = FailurePolicy::kIsolate;
};

// The up section of every step of a plan, split into statements (one list per step).
using SplitPlan = std::vector<std::vector<Statement>>;

// Runs `plan` on `driver`, which must hold the runner lock and have its state ensured.
// `split` is what preflight() returned for this plan. Returns one outcome per step, in plan
// order. Throws Error(kConnection) if the connection is lost (what committed before stays
// recorded).
std::vector<StepOutcome> run_plan(Driver& driver, const Workspace& ws, const Plan& plan,
                                  const SplitPlan& split, const ApplyOptions& options,
                                  ApplyObserver& observer);

// Splits every pending migration with the database's parser before anything runs, so a
// statement that cannot even be parsed (PostgreSQL) is bad input: throws Error(kParse)
// naming each file and line, and nothing is applied. Returns the statements, so that
// run_plan does not split them again.
SplitPlan preflight(Driver& driver, const Workspace& ws, const Plan& plan);

// The timeouts for one migration: its directives, else the environment's settings.
Timeouts timeouts_for(const Migration& m, const Environment& env);

// The SQL `apply` would run for `plan`, as text an operator could run by hand.
std::string render_plan_sql(Driver& driver, const Workspace& ws, const Plan& plan);

}  // namespace trellis
