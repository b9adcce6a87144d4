// trellis/trellis.h — the small API for applications that embed Trellis: open a project
// with one of its environments, plan, apply, status, and "is the schema at least at X"
// (trellis/schema_check.h). Plain values only; the engine's types stay behind it.
//
//   trellis::Session db("/srv/app/db", "production");
//   trellis::ApplySummary r = db.apply();
//   if (!r.ok()) for (const auto& s : r.steps) std::cerr << s.id << ": " << s.error << "\n";
//
// Link with trellis::trellis (CMake: find_package(trellis)) or `pkg-config --libs trellis`.
// Every failure is a trellis::Error (trellis/error.h); exit_code_for() maps its kind to
// the command line's exit status.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "trellis/duration.h"
#include "trellis/error.h"
#include "trellis/schema_check.h"

namespace trellis {

// What to plan or apply (as `trellis plan` / `apply` options).
struct PlanRequest {
  std::vector<std::string> features;  // only these features (empty: all released ones)
  std::string to;                     // up to this migration id
  bool contract = false;              // also contract migrations where not allowed
};

struct PlannedStep {
  std::string id, feature, phase;
  bool pulled_in = false;  // run only because a selected migration needs it
};

struct HeldBack {
  std::string id;
  std::string reason;  // "unreleased-feature", "contract-not-allowed", …
  std::string detail;
};

struct PlanSummary {
  std::vector<PlannedStep> steps;     // in the order apply runs them
  std::vector<HeldBack> held;
  std::vector<std::string> errors;    // apply would refuse (exit 2): message and hint
};

struct ApplyRequest {
  PlanRequest plan;
  bool fail_fast = false;           // stop at the first failure (default: only its dependents stop)
  std::optional<Millis> lock_wait;  // default: the environment's lock_wait
};

struct AppliedStep {
  std::string id;
  std::string result;  // "applied", "failed", "blocked", "not-run"
  std::string error;   // "statement 2 (line 7): <database message>", or why it did not run
  std::int64_t duration_ms = 0;
  int attempts = 0;
};

struct ApplySummary {
  std::vector<AppliedStep> steps;   // one per migration of the plan, in its order
  std::vector<HeldBack> incomplete; // released migrations apply could not run as asked
  std::vector<std::string> errors;  // refused before anything ran (the plan's errors)
  int exit_status = 0;              // as `trellis apply`: 0, 1 (failed/incomplete), 2 (refused)
  bool ok() const { return exit_status == 0; }
};

struct FeatureStatus {
  std::string name;
  bool released = true;
  // running: started and not finished (running, paused or interrupted; `state` tells which)
  int applied = 0, pending = 0, failed = 0, blocked = 0, held = 0, running = 0;
  std::string head;   // the highest applied migration; "" if none
  std::string phase;  // the furthest phase applied; "" if none
};

struct MigrationStatus {
  std::string id, feature;
  // "applied", "pending", "failed", "blocked", "held", "running", "paused", "interrupted"
  std::string state;
  std::string reason;  // why held, blocked or failed
};

struct StatusSummary {
  std::string environment, database;  // the URL with any password masked
  std::vector<FeatureStatus> features;
  std::vector<MigrationStatus> migrations;  // by feature, then number
  std::vector<std::string> warnings;        // "id: message" (edited files, leftovers, …)
};

// One project directory with one environment. Loading reads trellis.toml and every
// migration file; each call connects to the database and closes it again. Not safe to
// use from several threads at once.
class Session {
 public:
  // `env`: an environment name, "" for the command line's default (TRELLIS_ENV,
  // default_env, the only one). `database`: a URL replacing the environment's, or "".
  explicit Session(const std::string& project_dir, const std::string& env = "",
                   const std::string& database = "");
  ~Session();
  Session(Session&&) noexcept;
  Session& operator=(Session&&) noexcept;

  const std::string& environment() const;

  PlanSummary plan(const PlanRequest& request = {}) const;  // read-only
  // Takes the runner lock (waiting as configured), applies, releases it. `on_step`, if
  // set, is told each migration's result as it finishes.
  ApplySummary apply(const ApplyRequest& request = {},
                     const std::function<void(const AppliedStep&)>& on_step = {}) const;
  StatusSummary status() const;  // read-only
  SchemaCheck require_schema(const RequireOptions& options = {}) const;  // read-only

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace trellis
