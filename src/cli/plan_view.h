// plan_view.h — options and rendering shared by plan and apply.
#pragma once

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "trellis/integrity.h"
#include "trellis/plan.h"

namespace trellis::cli {

void add_plan_options(CLI::App& sub, PlanOptions& options);

// Pending steps and held-back migrations as text.
void print_plan(const Workspace& ws, const Plan& plan);
// Plan errors (released migration requiring an unreleased one, out of order) to stderr.
void print_plan_errors(const Plan& plan);
nlohmann::json plan_json(const Workspace& ws, const Plan& plan, const std::vector<Finding>& warnings);
nlohmann::json findings_json(const std::vector<Finding>& findings);
void print_findings(const std::vector<Finding>& findings);

}  // namespace trellis::cli
