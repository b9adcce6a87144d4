// trellis/fleet.h — one project over many databases (`trellis fleet`): each target is an
// environment of its own (its own connection, runner lock, state and failures), run on a
// few worker threads through the engine's one apply entry point, migrate().
//
// Memory does not grow with the number of targets beyond one small TargetReport each:
// the project and its graph are loaded once and shared; a target's Workspace, driver
// and state live only while a worker runs it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "trellis/migrate.h"
#include "trellis/targets.h"
#include "trellis/workspace.h"

namespace trellis {

enum class FleetAction { kApply, kPlan, kStatus };

enum class TargetResult {
  kOk,           // apply: everything released applied; plan/status: read
  kFailed,       // apply: a migration failed (or was blocked by one that failed)
  kIncomplete,   // nothing failed, but released migrations were held back (as apply's exit 1)
  kRefused,      // the target's plan cannot run as asked (out of order, edited applied file)
  kUnreachable,  // no connection, the connection lost, or its runner lock not obtained in time
  kSkipped       // not started: --fail-fast after a failure, or a canary that did not pass
};
const char* target_result_name(TargetResult r);  // "ok", "failed", "incomplete", …

struct TargetReport {
  std::string name;
  std::string environment;  // the environment of trellis.toml whose settings it took
  std::string database;     // password masked
  TargetResult result = TargetResult::kSkipped;
  // apply: what this run did (applied, failed, blocked), held back released migrations;
  // plan: `pending` would apply, `held` held back; status: the database's counts.
  // status: `running` started and still held by a live runner, `paused` and
  // `interrupted` (started, no runner) as `trellis status` says.
  int applied = 0, failed = 0, blocked = 0, held = 0, pending = 0, running = 0, paused = 0, interrupted = 0;
  std::int64_t duration_ms = 0;
  std::string error;  // the first failure, or why unreachable / refused; "" when none
  // apply: the ids that failed; plan: the ids that would apply, in order.
  std::vector<std::string> migrations;
};

struct FleetOptions {
  FleetAction action = FleetAction::kApply;
  unsigned parallel = 1;   // worker threads, one connection each (>= 1)
  std::size_t canary = 0;  // apply: run the first N targets, the rest only if all N are ok
  bool fail_fast = false;  // apply: after a target fails no other starts (and each stops at its first failure)
  MigrateOptions migrate;  // apply and plan: plan options, lock wait
  // The environment of targets without `env` ("" = trellis.toml's default environment,
  // or its [defaults] when none is chosen).
  std::string default_env;
};

struct FleetReport {
  std::vector<TargetReport> targets;  // in the targets file's order
  bool canary_stopped = false;        // the canary did not pass: the rest were skipped
  std::int64_t duration_ms = 0;
  // 1 if a target failed, was refused or is incomplete; else 3 if one was unreachable;
  // else 0. (Skipped targets follow from one of those.)
  int exit_status() const;
};

// The environment of one target: trellis.toml's environment `target.env` (or
// `default_env`) with the target's database, checked and a relative file path anchored at
// the project directory. Throws Error(kConfig) naming the targets file's line.
Environment target_environment(const Config& config, const FleetTarget& target, const std::string& default_env);

// The targets a query on a catalog database returns, one per row in the query's order:
// columns `name` and `database`, optionally `env` (NULL or "": the default); ${VAR} in a
// database is interpolated. The catalog (a relative SQLite path anchored at `root`) is
// opened read-only. Throws Error(kUsage) for a query that fails or lacks those columns,
// a row without name or database, two rows with one name, or no rows; Error(kConnection)
// when the catalog is unreachable. A target's `file` is "--targets-query", its `line` the row.
std::vector<FleetTarget> query_targets(const std::string& catalog_url, const std::string& sql,
                                       const std::string& root);

// Called as each target finishes, one call at a time, in the order they finish.
using TargetDone = std::function<void(const TargetReport&)>;

// What a caller is told while a fleet runs (every member optional). Calls come from the
// worker threads: `on_start` and `on_done` one at a time; an observer is called only
// from its own target's worker.
struct FleetHooks {
  // A target starts (its name, environment and masked database are filled in).
  std::function<void(const TargetReport&)> on_start;
  TargetDone on_done;
  // apply: the observer of one target's migrations, made on its worker as it starts and
  // dropped when it ends; none: they are not observed.
  std::function<std::unique_ptr<ApplyObserver>(const TargetReport&)> observer;
};

// Runs `options.action` on every target. `base` supplies the project and graph (its own
// environment is not used). Every target's environment is resolved before any connects,
// so a bad targets file (Error(kConfig)) runs nothing. Errors of one target (its
// database, its migrations) are in its TargetReport and never stop the others.
FleetReport run_fleet(const Workspace& base, const std::vector<FleetTarget>& targets, const FleetOptions& options,
                      const FleetHooks& hooks = {});

}  // namespace trellis
