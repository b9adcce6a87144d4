// trellis/rollback.h — down sections of a migration or feature and of everything applied
// that depends on it, dependants first.
#pragma once

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

// Runs the down sections; stops at the first failure (later ones depend on it).
std::vector<StepOutcome> run_rollback(Driver& driver, const Workspace& ws, const RollbackPlan& plan,
                                      ApplyObserver& observer);

// The SQL rollback would run, for --sql.
std::string render_rollback_sql(Driver& driver, const Workspace& ws, const RollbackPlan& plan);

}  // namespace trellis
