#include "cli/apply_observer.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "cli/plan_view.h"
#include "trellis/error.h"
#include "util/text.h"

namespace trellis::cli {
namespace {

struct ApplyFlags {
  PlanOptions plan;
  bool fail_fast = false, dry_run = false, sql = false, json = false;
  std::string lock_wait;
};

Millis lock_wait_of(const ApplyFlags& f, const Environment& env) {
  if (f.lock_wait.empty()) return env.settings.runner_lock_wait;
  auto d = parse_duration(f.lock_wait);
  if (!d) throw Error(ErrorKind::kUsage, "--lock-wait: bad duration '" + f.lock_wait + "' (e.g. 30s)");
  return *d;
}

// Refuses to run while applied files differ from what was applied.
void refuse_edited(const std::vector<Finding>& findings) {
  std::vector<std::string> lines;
  for (const auto& f : findings) {
    if (f.kind == "checksum-mismatch") lines.push_back(f.message);
  }
  if (lines.empty()) return;
  throw Error(ErrorKind::kPlan, join(lines, "\n"),
              "revert the file(s), or run 'trellis accept ID' to record the new checksum");
}

int preview(const Workspace& ws, const ApplyFlags& f) {
  auto driver = ws.connect(OpenMode::kReadOnly);
  StateIndex state(driver->load_state());
  Plan plan = make_plan(ws.graph(), ws.env(), state, f.plan);
  if (!plan.errors.empty()) {
    print_plan_errors(plan);
    return static_cast<int>(ExitCode::kBadInput);
  }
  if (f.sql) std::fputs(render_plan_sql(*driver, ws, plan).c_str(), stdout);
  else if (f.json) Output::get().json(plan_json(ws, plan, integrity_findings(ws.graph(), state)));
  else print_plan(ws, plan);
  return 0;
}

nlohmann::json results_json(const Graph& g, const std::vector<StepOutcome>& outcomes) {
  nlohmann::json results = nlohmann::json::array();
  int applied = 0, failed = 0, blocked = 0;
  for (const auto& o : outcomes) {
    applied += o.result == StepResult::kApplied;
    failed += o.result == StepResult::kFailed;
    blocked += o.result == StepResult::kBlocked;
    results.push_back({{"id", g.at(o.node).id}, {"result", step_result_name(o.result)},
                       {"duration_ms", o.duration_ms}, {"error", o.error}, {"statement", o.statement},
                       {"line", o.line}, {"attempts", o.attempts}, {"blocked_by", o.blocked_by}});
  }
  return {{"results", results}, {"applied", applied}, {"failed", failed}, {"blocked", blocked}};
}

int apply(const Workspace& ws, const ApplyFlags& f) {
  auto driver = ws.connect(OpenMode::kReadWrite);
  driver->acquire_lock(lock_wait_of(f, ws.env()));
  driver->ensure_state();
  StateIndex state(driver->load_state());
  Plan plan = make_plan(ws.graph(), ws.env(), state, f.plan);
  if (!plan.errors.empty()) {
    print_plan_errors(plan);
    return static_cast<int>(ExitCode::kBadInput);
  }
  refuse_edited(integrity_findings(ws.graph(), state));
  preflight(*driver, ws, plan);
  const Output& out = Output::get();
  if (plan.steps.empty() && !f.json) {
    out.line("Nothing to apply in " + ws.env().name + " (" + driver->display_target() + "): " +
             std::to_string(state.rows().size()) + " migration(s) recorded, " +
             std::to_string(plan.held.size()) + " held back");
    return 0;
  }
  if (!f.json) {
    out.line(out.paint(Style::kBold, "Applying " + std::to_string(plan.steps.size()) + " migration(s)") +
             " to " + ws.env().name + " (" + driver->display_target() + ")");
  }
  PrintingObserver observer(f.json);
  ApplyOptions options;
  options.on_failure = f.fail_fast ? FailurePolicy::kFailFast : FailurePolicy::kIsolate;
  auto outcomes = run_plan(*driver, ws, plan, options, observer);
  driver->release_lock();
  if (f.json) out.json(results_json(ws.graph(), outcomes));
  else if (!outcomes.empty()) print_summary(ws.graph(), outcomes, "applied");
  for (const auto& o : outcomes) {
    if (o.result != StepResult::kApplied) return static_cast<int>(ExitCode::kFailed);
  }
  return 0;
}

}  // namespace

Runner setup_apply(CLI::App& sub, const Globals& g) {
  auto f = std::make_shared<ApplyFlags>();
  add_plan_options(sub, f->plan);
  sub.add_flag("--fail-fast", f->fail_fast, "Stop at the first failure (default: only its dependents stop)");
  sub.add_flag("--dry-run", f->dry_run, "Print the plan; change nothing");
  sub.add_flag("--sql", f->sql, "Print the SQL that would run, bookkeeping included; change nothing");
  sub.add_option("--lock-wait", f->lock_wait,
                 "How long to wait for another runner's lock (default: lock_wait setting, 60s)")
      ->type_name("DURATION");
  sub.add_flag("--json", f->json, "Machine-readable results (see docs/json.md)");
  return [&g, f]() {
    Workspace ws = g.workspace();
    if (f->dry_run || f->sql) return preview(ws, *f);
    return apply(ws, *f);
  };
}

}  // namespace trellis::cli
