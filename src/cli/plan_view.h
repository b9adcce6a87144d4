// plan_view.h — options and rendering shared by plan and apply.
#pragma once

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "trellis/integrity.h"
#include "trellis/plan.h"

namespace trellis {
struct PlanLint;  // trellis/lint_session.h
}

namespace trellis::cli {

void add_plan_options(CLI::App& sub, PlanOptions& options);

// Pending steps and held-back migrations as text; with `lint`, each step's strongest
// lock and lint findings, and the project's cross-feature conflicts.
// `state` (when given, with read_activity) adds to a started migration's notes whether it
// is running, paused (apply leaves it) or interrupted (apply resumes it).
void print_plan(const Workspace& ws, const Plan& plan, const PlanLint* lint = nullptr,
                const StateIndex* state = nullptr);
// Plan errors (out of order) to stderr.
void print_plan_errors(const Plan& plan);
// The exit status apply would end with for this plan, as `plan` and `apply --dry-run`
// return it: 2 with errors, 1 when released migrations are held back for an unreleased
// dependency (Held::incomplete), else 0.
int plan_exit_status(const Plan& plan);
// With `lint`: a "lock" object and "lint" array per pending entry, and "conflicts".
nlohmann::json plan_json(const Workspace& ws, const Plan& plan, const std::vector<Finding>& warnings,
                         const PlanLint* lint = nullptr);
nlohmann::json findings_json(const std::vector<Finding>& findings);
void print_findings(const std::vector<Finding>& findings);

}  // namespace trellis::cli
