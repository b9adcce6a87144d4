// trellis/rollback.h — down sections of a migration or feature and of everything applied
// that depends on it, dependants first.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "trellis/apply.h"

namespace trellis {

struct RollbackPlan {
  std::vector<Node> order;  // applied migrations to roll back, in the order they run
};

// `target` is a migration id or a feature name. With a feature, `to` (optional) keeps
// that migration and everything before it. Throws Error(kUsage) for unknown targets and
// Error(kPlan) when nothing is applied or a migration in the set is forward-only.
RollbackPlan plan_rollback(const Graph& graph, const StateIndex& state, const std::string& target,
                           const std::string& to);

// Splits every down section of `plan` with the database's parser before anything runs:
// a down that cannot be split is bad input, Error(kParse) naming each file and line, and
// nothing is rolled back. Returns the statements, one list per migration of the plan.
SplitPlan preflight_rollback(Driver& driver, const Workspace& ws, const RollbackPlan& plan);

// A problem Driver::split found in m's down section: in m's file, its message ending in
// " (down section)" ("path:12: msg (down section)" as text).
Diagnostic down_split_problem(const Migration& m, Diagnostic d);

// Runs the down sections (`split` from preflight_rollback), each in a transaction unless
// its migration says `transaction: false` or `down=false`. A down that fails is rolled
// back (when transactional) and recorded: the migration stays applied, its row carries
// "rollback failed: …" (status shows it) and history a "rollback-failed" event. Stops at
// the first failure: the migrations after it come back as kNotRun ("not attempted"). One
// outcome per migration of the plan, in its order; kApplied means rolled back.
std::vector<StepOutcome> run_rollback(Driver& driver, const Workspace& ws, const RollbackPlan& plan,
                                      const SplitPlan& split, const StateIndex& state, ApplyObserver& observer);

// The SQL rollback would run, for --sql.
std::string render_rollback_sql(Driver& driver, const Workspace& ws, const RollbackPlan& plan);

// ---- the use case (rollback_run.cc) -----------------------------------------------------

enum class RollbackMode {
  kRun,
  kDryRun,  // decide only: the plan
  kSql      // decide only: the plan and the SQL it would run
};

struct RollbackRequest {
  std::string target;  // a migration id or a feature name
  std::string to;      // with a feature: keep this migration and the ones before it
  RollbackMode mode = RollbackMode::kRun;
};

struct RollbackReport {
  RollbackPlan plan;
  std::string target;                 // Driver::display_target()
  std::string sql;                    // kSql: render_rollback_sql()
  std::vector<StepOutcome> outcomes;  // kRun: run_rollback()'s
};

// Decides on a read-only connection (plan_rollback, refuse_edited unless previewing,
// preflight_rollback, and downs PostgreSQL cannot run in a transaction: Error(kParse)),
// so a refused rollback creates nothing; with kRun decides again under the runner lock,
// tells `on_run_start` (if set) and runs.
RollbackReport roll_back(const Workspace& ws, const RollbackRequest& request, ApplyObserver& observer,
                         const std::function<void(const RollbackReport&)>& on_run_start = {});

}  // namespace trellis
