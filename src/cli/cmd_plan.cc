#include "cli/commands.h"
#include "cli/lint_view.h"
#include "cli/output.h"
#include "cli/plan_explain.h"
#include "cli/plan_view.h"
#include "trellis/error.h"
#include "trellis/readiness.h"
#include "trellis/replica_locks.h"
#include "trellis/status.h"

#include <fstream>

namespace trellis::cli {
namespace {

void write_lock(const Workspace& ws, const std::string& path, bool say) {
  std::vector<RequiredMigration> wanted = released_requirements(ws);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << render_lock_file(ws.env().name, wanted);
  out.close();
  if (!out) throw Error(ErrorKind::kUsage, "cannot write " + path, "check the directory exists and is writable");
  if (say) Output::get().line("Wrote " + path + ": " + std::to_string(wanted.size()) + " migration(s) of " + ws.env().name);
}

}  // namespace

Runner setup_plan(CLI::App& sub, const Globals& g) {
  auto opts = std::make_shared<PlanOptions>();
  auto json = std::make_shared<bool>(false);
  auto explain = std::make_shared<bool>(false);
  add_plan_options(sub, *opts);
  sub.add_flag("--explain", *explain,
               "Tell, per migration, whether code built for the previous schema keeps working after it");
  sub.add_flag("--json", *json, "Machine-readable output (see docs/json.md)");
  auto lock_file = std::make_shared<std::string>();
  sub.add_option("--write-lock", *lock_file,
                 "Also write FILE (e.g. trellis.lock): the released migrations' ids and checksums, for "
                 "'trellis wait --lock FILE' in an image without the migration files")
      ->type_name("FILE");
  return [&g, opts, json, explain, lock_file]() {
    Workspace ws = g.workspace();
    auto driver = ws.connect(OpenMode::kReadOnly);
    StateIndex state(driver->state().load_rows());
    read_activity(*driver, state);
    Plan plan = make_plan(ws.graph(), ws.env(), state, *opts);
    auto warnings = integrity_findings(ws.graph(), state);
    PlanLint lint = lint_plan(ws, plan, state, driver->catalog().server_major_version());
    std::vector<Node> pending;
    for (const Step& s : plan.steps) pending.push_back(s.node);
    for (Finding& f : replica_lock_findings(ws.graph(), pending, streaming_replicas(*driver))) {
      warnings.push_back(std::move(f));
    }
    if (!lock_file->empty()) write_lock(ws, *lock_file, !*json);
    if (*json) {
      nlohmann::json doc = plan_json(ws, plan, warnings, &lint);
      if (*explain) add_explain_json(ws, plan, doc);
      Output::get().json(doc);
    } else {
      print_plan(ws, plan, &lint, &state);
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
