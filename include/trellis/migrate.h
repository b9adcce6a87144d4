// trellis/migrate.h — the apply use case: everything `trellis apply` does between parsing
// its options and printing, for the command line, a fleet runner or an application.
//
//   lock -> ensure state -> plan -> refuse edited files -> preflight -> run -> release
//
// Everything that can refuse the run is decided on a read-only connection first (a
// refused run creates nothing), then again under the runner lock. Progress goes to an
// ApplyObserver as it happens; the result comes back as a MigrateReport.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "trellis/apply.h"
#include "trellis/error.h"
#include "trellis/integrity.h"

namespace trellis {

class MigrateEarlyWork;

struct MigrateOptions {
  PlanOptions plan;
  FailurePolicy on_failure = FailurePolicy::kIsolate;
  // How long to wait for another runner's lock; nullopt: the environment's lock_wait.
  std::optional<Millis> lock_wait;
};

struct MigrateReport;

// Told what happens besides the migrations' own progress (ApplyObserver).
struct MigrateCallbacks {
  // While waiting for the runner lock: its holder and how long this run has waited.
  LockWaitReport on_lock_wait;
  // Once the lock is held and the plan decided, before the first migration runs (not
  // called when there is nothing to run): `report` has plan, target and lock.
  std::function<void(const MigrateReport& report)> on_run_start;
};

struct MigrateReport {
  // The plan decided (last: under the lock). Non-empty plan.errors: refused, nothing
  // written or created (exit 2).
  Plan plan;
  std::string target;      // Driver::display_target(), password masked
  std::string lock;        // Driver::lock_description(), "" when no lock was taken
  std::size_t recorded = 0;  // rows of trellis_migrations when the plan was decided
  StateIndex state;          // those rows (kept, so that a caller that exits need not free them)
  std::vector<StepOutcome> outcomes;  // one per step run, in plan order
  // Released migrations apply could not run as asked (Plan::incomplete()): exit 1.
  std::vector<Held> incomplete;
  // The connection was lost during the run: `outcomes` holds what finished, then the
  // rest as not run; `interrupted` the migration in flight (if any) and why; `lost` the
  // error to end with (kConnection, exit 3).
  std::optional<Node> interrupted;
  std::string interrupted_why;
  std::optional<Error> lost;

  bool refused() const { return !plan.errors.empty(); }
  // Nothing to run (the steps are empty) and not refused.
  bool nothing_to_do() const { return !refused() && plan.steps.empty(); }
  // 0 when every step applied and nothing is incomplete, else 1 (2 when refused). A lost
  // connection is `lost`, not an exit status.
  int exit_status() const;
};

// Applies the environment's pending migrations. `early`, when given, is the work started
// while `ws` loaded. Throws Error for edited applied files (kPlan), statements that do
// not parse (kParse), a lock not obtained in time (kLock) and an unreachable database
// (kConnection); a connection lost during the run comes back in the report.
MigrateReport migrate(const Workspace& ws, const MigrateOptions& options, ApplyObserver& observer,
                      const MigrateCallbacks& callbacks = {}, MigrateEarlyWork* early = nullptr);

// What migrate would do, read-only: never creates, locks or writes anything.
struct MigratePreview {
  Plan plan;                      // plan.errors non-empty: apply would refuse (exit 2)
  std::string sql;                // with `sql`: render_plan_sql(), the SQL that would run
  std::vector<Finding> warnings;  // integrity_findings() of the files against the state
};
MigratePreview preview_migrate(const Workspace& ws, const PlanOptions& options, bool sql,
                               MigrateEarlyWork* early = nullptr);

// What migrate can do while the migration files load (Workspace's alongside
// constructor). It writes nothing, so bad files still leave the database untouched: it
// connects (to a SQLite file only if it exists, since opening would create it), takes the
// runner lock only if it is free right now (never waiting for it), and reads the state,
// which that lock keeps current until the run. Whatever it could not do, migrate does.
class MigrateEarlyWork {
 public:
  MigrateEarlyWork();
  ~MigrateEarlyWork();
  MigrateEarlyWork(const MigrateEarlyWork&) = delete;
  MigrateEarlyWork& operator=(const MigrateEarlyWork&) = delete;

  // The job to hand to Workspace(root, selection, alongside): `read_only` for a preview.
  Workspace::Alongside job(bool read_only);

  struct Parts;  // src/engine/migrate.cc

 private:
  friend MigrateReport migrate(const Workspace&, const MigrateOptions&, ApplyObserver&,
                               const MigrateCallbacks&, MigrateEarlyWork*);
  friend MigratePreview preview_migrate(const Workspace&, const PlanOptions&, bool, MigrateEarlyWork*);
  std::unique_ptr<Parts> parts_;
};

}  // namespace trellis
