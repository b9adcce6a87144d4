// plan_explain.h — `plan --explain`: per pending migration, whether code built for the
// previous schema keeps working after it, and the deploy order that follows.
#pragma once

#include <nlohmann/json.hpp>

#include "trellis/plan.h"
#include "trellis/workspace.h"

namespace trellis::cli {

void print_explain(const Workspace& ws, const Plan& plan);
// Adds "old_code_compatible" and "compatibility" to each pending entry of plan_json().
void add_explain_json(const Workspace& ws, const Plan& plan, nlohmann::json& doc);

}  // namespace trellis::cli
