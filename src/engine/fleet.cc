#include "trellis/fleet.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>

#include "engine/fleet_target.h"
#include "trellis/error.h"
#include "util/task_pool.h"

namespace trellis {

const char* target_result_name(TargetResult r) {
  switch (r) {
    case TargetResult::kOk: return "ok";
    case TargetResult::kFailed: return "failed";
    case TargetResult::kIncomplete: return "incomplete";
    case TargetResult::kRefused: return "refused";
    case TargetResult::kUnreachable: return "unreachable";
    case TargetResult::kSkipped: return "skipped";
  }
  return "?";
}

int FleetReport::exit_status() const {
  auto any = [&](std::initializer_list<TargetResult> results) {
    return std::any_of(targets.begin(), targets.end(), [&](const TargetReport& t) {
      return std::find(results.begin(), results.end(), t.result) != results.end();
    });
  };
  // A stopped canary holds the target that stopped it, so it needs no rule of its own.
  if (any({TargetResult::kFailed, TargetResult::kIncomplete, TargetResult::kRefused})) {
    return static_cast<int>(ExitCode::kFailed);
  }
  if (any({TargetResult::kUnreachable})) return static_cast<int>(ExitCode::kUnavailable);
  return static_cast<int>(ExitCode::kOk);
}

Environment target_environment(const Config& config, const FleetTarget& target, const std::string& default_env) {
  std::string where = "target '" + target.name + "'";
  Environment env;
  try {
    env = select_environment(config, EnvSelection{target.env.empty() ? default_env : target.env, target.database});
  } catch (const Error& e) {
    throw Error(ErrorKind::kConfig, {error_at("config", target.file, target.line, where + ": " + e.what())}, e.hint());
  }
  // No environment of trellis.toml chosen: its [defaults], every feature released.
  if (config.environments.count(env.name) == 0) env.name = "(defaults)";
  env.database_origin = target.file + ":" + std::to_string(target.line) + ": " + where;
  check_database_url(env.database, env.database_origin);
  env.database = anchor_database_url(env.database, config.root);
  return env;
}

namespace {

bool stops_the_rest(TargetResult r) {
  return r == TargetResult::kFailed || r == TargetResult::kIncomplete || r == TargetResult::kRefused;
}

// Runs targets on a pool of --parallel workers; under --fail-fast, once one has failed no
// other starts (those not started stay kSkipped).
class FleetRun {
 public:
  FleetRun(const Workspace& base, const std::vector<FleetTarget>& targets, const FleetOptions& options,
           const FleetHooks& hooks, FleetReport& report)
      : base_(base), targets_(targets), options_(options), hooks_(hooks), report_(report) {}

  void run(std::size_t begin, std::size_t end) {
    TaskPool pool;
    for (std::size_t i = begin; i < end; ++i) pool.submit([this, i](TaskPool&) { one(i); });
    pool.run(std::max(1u, std::min<unsigned>(options_.parallel, static_cast<unsigned>(end - begin))));
  }

 private:
  void one(std::size_t i) {
    const FleetTarget& t = targets_[i];
    if (stop_.load()) return;  // stays kSkipped
    TargetReport r = run_target(base_, t, target_environment(base_.project().config, t, options_.default_env),
                                options_, hooks_, mutex_);
    if (options_.fail_fast && stops_the_rest(r.result)) stop_.store(true);
    std::lock_guard<std::mutex> lock(mutex_);
    report_.targets[i] = std::move(r);
    if (hooks_.on_done) hooks_.on_done(report_.targets[i]);
  }

  const Workspace& base_;
  const std::vector<FleetTarget>& targets_;
  const FleetOptions& options_;
  const FleetHooks& hooks_;
  FleetReport& report_;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
};

}  // namespace

FleetReport run_fleet(const Workspace& base, const std::vector<FleetTarget>& targets, const FleetOptions& options,
                      const FleetHooks& hooks) {
  auto start = std::chrono::steady_clock::now();
  FleetReport report;
  report.targets.reserve(targets.size());
  for (const FleetTarget& t : targets) {  // every target checked before any connects
    Environment env = target_environment(base.project().config, t, options.default_env);
    TargetReport skipped;
    skipped.name = t.name;
    skipped.environment = env.name;
    skipped.database = mask_url(env.database);
    report.targets.push_back(std::move(skipped));
  }
  // An unknown --feature or --to is the same mistake on every target: refused once, here.
  if (options.action != FleetAction::kStatus) (void)make_plan(base.graph(), base.env(), StateIndex(), options.migrate.plan);
  FleetRun run(base, targets, options, hooks, report);
  std::size_t canary = options.action == FleetAction::kApply ? std::min(options.canary, targets.size()) : 0;
  if (canary > 0) {
    run.run(0, canary);
    report.canary_stopped = std::any_of(report.targets.begin(), report.targets.begin() + canary,
                                        [](const TargetReport& t) { return t.result != TargetResult::kOk; });
  }
  if (!report.canary_stopped) run.run(canary, targets.size());
  report.duration_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace trellis
