#include "engine/fleet_target.h"

#include <chrono>

#include "trellis/error.h"
#include "trellis/status.h"

namespace trellis {
namespace {

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

std::string first_plan_error(const Plan& plan) {
  return plan.errors.empty() ? std::string() : first_line(format_text(plan.errors.front()));
}

void apply_target(const Workspace& ws, const FleetOptions& options, const FleetHooks& hooks, TargetReport& r) {
  ApplyObserver quiet;  // by default the caller hears of each target, not of each migration
  std::unique_ptr<ApplyObserver> observer = hooks.observer ? hooks.observer(r) : nullptr;
  MigrateOptions migrate_options = options.migrate;
  if (options.fail_fast) migrate_options.on_failure = FailurePolicy::kFailFast;
  MigrateReport m = migrate(ws, migrate_options, observer ? *observer : quiet);
  if (m.refused()) {
    r.result = TargetResult::kRefused;
    r.error = first_plan_error(m.plan);
    return;
  }
  for (const StepOutcome& o : m.outcomes) {
    r.applied += o.result == StepResult::kApplied;
    r.blocked += o.result == StepResult::kBlocked;
    if (o.result != StepResult::kFailed) continue;
    ++r.failed;
    r.migrations.push_back(ws.graph().at(o.node).id);
    if (r.error.empty()) r.error = ws.graph().at(o.node).id + ": " + first_line(describe_failure(o));
  }
  r.held = static_cast<int>(m.incomplete.size());
  if (m.lost) {
    r.result = TargetResult::kUnreachable;
    r.error = first_line(m.lost->what());
  } else if (r.failed + r.blocked > 0) {
    r.result = TargetResult::kFailed;
  } else if (m.exit_status() != 0) {
    r.result = TargetResult::kIncomplete;
    r.error = std::to_string(r.held) + " released migration(s) held back: 'trellis plan' says why";
  } else {
    r.result = TargetResult::kOk;
  }
}

void plan_target(const Workspace& ws, const FleetOptions& options, TargetReport& r) {
  MigratePreview p = preview_migrate(ws, options.migrate.plan, false);
  if (!p.plan.errors.empty()) {
    r.result = TargetResult::kRefused;
    r.error = first_plan_error(p.plan);
    return;
  }
  for (const Step& s : p.plan.steps) r.migrations.push_back(ws.graph().at(s.node).id);
  r.pending = static_cast<int>(p.plan.steps.size());
  r.held = static_cast<int>(p.plan.held.size());
  std::size_t incomplete = p.plan.incomplete().size();
  r.result = incomplete == 0 ? TargetResult::kOk : TargetResult::kIncomplete;
  if (incomplete > 0) r.error = std::to_string(incomplete) + " released migration(s) would be held back";
}

void status_target(const Workspace& ws, TargetReport& r) {
  StatusInputs in = read_status_inputs(ws.project().config, ws.env());
  StatusReport s = build_status(ws, in.state, in.leftovers);
  for (const FeatureSummary& f : s.features) {
    r.applied += f.applied;
    r.pending += f.pending;
    r.failed += f.failed;
    r.blocked += f.blocked;
    r.held += f.held;
    r.running += f.running;
    r.paused += f.paused;
    r.interrupted += f.interrupted;
  }
  r.result = TargetResult::kOk;
}

}  // namespace

TargetReport run_target(const Workspace& base, const FleetTarget& target, Environment env,
                        const FleetOptions& options, const FleetHooks& hooks, std::mutex& start_mutex) {
  auto start = std::chrono::steady_clock::now();
  TargetReport r;
  r.name = target.name;
  r.environment = env.name;
  r.database = mask_url(env.database);
  if (hooks.on_start) {
    std::lock_guard<std::mutex> lock(start_mutex);
    hooks.on_start(r);
  }
  try {
    Workspace ws(base, std::move(env));
    switch (options.action) {
      case FleetAction::kApply: apply_target(ws, options, hooks, r); break;
      case FleetAction::kPlan: plan_target(ws, options, r); break;
      case FleetAction::kStatus: status_target(ws, r); break;
    }
  } catch (const Error& e) {
    ExitCode code = exit_code_for(e.kind());
    r.result = code == ExitCode::kUnavailable ? TargetResult::kUnreachable
               : code == ExitCode::kBadInput  ? TargetResult::kRefused
                                              : TargetResult::kFailed;
    r.error = first_line(e.what());
  } catch (const std::exception& e) {
    r.result = TargetResult::kFailed;
    r.error = first_line(e.what());
  }
  r.duration_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  return r;
}

}  // namespace trellis
