#include "cli/commands.h"
#include "cli/lint_view.h"
#include "cli/output.h"
#include "cli/plan_explain.h"
#include "cli/plan_view.h"
#include "trellis/error.h"

namespace trellis::cli {

Runner setup_plan(CLI::App& sub, const Globals& g) {
  auto opts = std::make_shared<PlanOptions>();
  auto json = std::make_shared<bool>(false);
  auto explain = std::make_shared<bool>(false);
  add_plan_options(sub, *opts);
  sub.add_flag("--explain", *explain,
               "Tell, per migration, whether code built for the previous schema keeps working after it");
  sub.add_flag("--json", *json, "Machine-readable output (see docs/json.md)");
  return [&g, opts, json, explain]() {
    Workspace ws = g.workspace();
    auto driver = ws.connect(OpenMode::kReadOnly);
    StateIndex state(driver->state().load_rows());
    Plan plan = make_plan(ws.graph(), ws.env(), state, *opts);
    auto warnings = integrity_findings(ws.graph(), state);
    PlanLint lint = lint_plan(ws, plan, state);
    if (*json) {
      nlohmann::json doc = plan_json(ws, plan, warnings, &lint);
      if (*explain) add_explain_json(ws, plan, doc);
      Output::get().json(doc);
    } else {
      print_plan(ws, plan, &lint);
      if (*explain) print_explain(ws, plan);
      if (!warnings.empty()) {
        Output::get().line();
        print_findings(warnings);
      }
      print_plan_errors(plan);
    }
    return plan_exit_status(plan);
  };
}

}  // namespace trellis::cli
