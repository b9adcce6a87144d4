#include "trellis/migrate.h"

#include <algorithm>

#include "trellis/error.h"
#include "trellis/status.h"

namespace trellis {

struct MigrateEarlyWork::Parts {
  std::unique_ptr<Driver> driver;
  bool locked = false;
  std::optional<StateIndex> state;
};

MigrateEarlyWork::MigrateEarlyWork() : parts_(std::make_unique<Parts>()) {}
MigrateEarlyWork::~MigrateEarlyWork() = default;

Workspace::Alongside MigrateEarlyWork::job(bool read_only) {
  Parts* early = parts_.get();
  return [early, read_only](const Config& config, const Environment& env) {
    if (opening_creates(env.database)) return;
    OpenMode mode = read_only ? OpenMode::kReadOnly : OpenMode::kReadWrite;
    early->driver = open_driver(env.database, mode, driver_options(config, env));
    if (!read_only) {
      try {
        early->driver->lock().acquire(Millis{0});
      } catch (const Error& e) {
        if (e.kind() != ErrorKind::kLock) throw;
        return;  // another runner has it: migrate waits for it after the files load
      }
      early->locked = true;
    }
    early->state = StateIndex(early->driver->state().load_rows());
  };
}

namespace {

using Parts = MigrateEarlyWork::Parts;

std::unique_ptr<Driver> connected(const Workspace& ws, Parts& early, OpenMode mode) {
  return early.driver ? std::move(early.driver) : ws.connect(mode);
}

StateIndex state_of(Driver& driver, Parts& early) {
  if (!early.state) return StateIndex(driver.state().load_rows());
  StateIndex state = std::move(*early.state);
  early.state.reset();
  return state;
}

// Forwards to the caller's observer and keeps what a run cut off by a lost connection
// needs: the outcomes so far and the migration in flight.
class RecordingObserver : public ApplyObserver {
 public:
  explicit RecordingObserver(ApplyObserver& next) : next_(next) {}
  void on_start(const Migration& m, int resume_from) override {
    running_ = &m;
    next_.on_start(m, resume_from);
  }
  void on_retry(const Migration& m, int attempt, Millis wait, const std::string& why) override {
    next_.on_retry(m, attempt, wait, why);
  }
  void on_note(const Migration& m, const std::string& note) override { next_.on_note(m, note); }
  void on_done(const Migration& m, const StepOutcome& o) override {
    finished_.push_back(o);
    running_ = nullptr;
    next_.on_done(m, o);
  }
  void on_batch(const Migration& m, const BackfillProgress& p) override { next_.on_batch(m, p); }

  const std::vector<StepOutcome>& finished() const { return finished_; }
  const Migration* running() const { return running_; }

 private:
  ApplyObserver& next_;
  std::vector<StepOutcome> finished_;
  const Migration* running_ = nullptr;
};

// What the run did until the connection was lost: the finished outcomes, the migration
// in flight and everything after it as not run (the one in flight flagged), and the
// error to end with, naming that migration.
void cut_off(const Graph& g, const RecordingObserver& observer, const Error& lost, MigrateReport& report) {
  report.outcomes = observer.finished();
  for (std::size_t i = report.outcomes.size(); i < report.plan.steps.size(); ++i) {
    StepOutcome o;
    o.node = report.plan.steps[i].node;
    o.result = StepResult::kNotRun;
    o.error = "not run: the connection to the database was lost";
    if (observer.running() == &g.at(o.node)) {
      report.interrupted = o.node;
      std::string message = lost.what();
      message = message.substr(0, message.find('\n'));  // libpq's own lines go to stderr
      report.interrupted_why =
          "the connection was lost while it ran (" + message + "); status shows what the database recorded";
      o.error = "interrupted: the connection was lost while it ran";
    }
    report.outcomes.push_back(std::move(o));
  }
  std::string where = report.interrupted ? " while applying " + g.at(*report.interrupted).id : "";
  std::string hint = lost.hint().empty() ? "run 'trellis status' to see what was recorded, then apply again"
                                         : lost.hint();
  report.lost = Error(ErrorKind::kConnection, std::string("lost the connection") + where + ": " + lost.what(), hint);
}

// The plan for a state, or one with errors (refused: exit 2); throws Error on edited files
// or statements that do not parse. `before` is the decision taken before the lock: its
// split is reused when the steps did not change.
struct Decision {
  Plan plan;
  SplitPlan split;
};

Decision decide(Driver& driver, const Workspace& ws, const StateIndex& state, const PlanOptions& options,
                const Decision* before = nullptr) {
  Plan plan = make_plan(ws.graph(), ws.env(), state, options);
  if (!plan.errors.empty()) return Decision{std::move(plan), {}};
  refuse_edited(ws.graph(), state);
  auto same_steps = [&] {
    return std::equal(plan.steps.begin(), plan.steps.end(), before->plan.steps.begin(),
                      before->plan.steps.end(), [](const Step& a, const Step& b) { return a.node == b.node; });
  };
  if (before != nullptr && same_steps()) return Decision{std::move(plan), before->split};
  SplitPlan split = preflight(driver, ws, plan);
  return Decision{std::move(plan), std::move(split)};
}

}  // namespace

int MigrateReport::exit_status() const {
  if (refused()) return static_cast<int>(ExitCode::kBadInput);
  bool all_applied = std::all_of(outcomes.begin(), outcomes.end(),
                                 [](const StepOutcome& o) { return o.result == StepResult::kApplied; });
  return static_cast<int>(all_applied && incomplete.empty() ? ExitCode::kOk : ExitCode::kFailed);
}

MigrateReport migrate(const Workspace& ws, const MigrateOptions& options, ApplyObserver& observer,
                      const MigrateCallbacks& callbacks, MigrateEarlyWork* early_work) {
  MigrateEarlyWork none;
  Parts& early = early_work ? *early_work->parts_ : *none.parts_;
  Millis lock_wait = options.lock_wait.value_or(ws.env().settings.runner_lock_wait);
  MigrateReport report;
  // Everything that can refuse the run is decided before anything is written or created:
  // a SQLite file that does not exist yet reads as empty through a read-only driver.
  bool writable = early.driver != nullptr;
  auto driver = connected(ws, early, OpenMode::kReadOnly);
  StateIndex state = state_of(*driver, early);
  Decision decision = decide(*driver, ws, state, options.plan);
  if (!decision.plan.errors.empty()) {
    report.plan = std::move(decision.plan);
    return report;
  }
  if (!writable) driver = ws.connect(OpenMode::kReadWrite);
  if (!early.locked) {
    driver->lock().acquire(lock_wait, callbacks.on_lock_wait);
    state = StateIndex(driver->state().load_rows());  // read before the lock: read and decide again
    decision = decide(*driver, ws, state, options.plan, &decision);
    if (!decision.plan.errors.empty()) {
      report.plan = std::move(decision.plan);
      return report;
    }
  }
  driver->state().ensure();  // changes nothing when the tables exist, so the rows read hold
  report.plan = std::move(decision.plan);
  report.target = driver->display_target();
  report.recorded = state.rows().size();
  report.incomplete = report.plan.incomplete();
  report.state = std::move(state);
  if (report.plan.steps.empty()) return report;  // the driver closes: the lock is released
  report.lock = driver->lock().description();
  if (callbacks.on_run_start) callbacks.on_run_start(report);
  ApplyOptions apply_options;
  apply_options.on_failure = options.on_failure;
  RecordingObserver recorder(observer);
  try {
    report.outcomes = run_plan(*driver, ws, report.plan, decision.split, apply_options, recorder);
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::kConnection) throw;
    cut_off(ws.graph(), recorder, e, report);
    return report;
  }
  driver->lock().release();
  return report;
}

MigratePreview preview_migrate(const Workspace& ws, const PlanOptions& options, bool sql,
                               MigrateEarlyWork* early_work) {
  MigrateEarlyWork none;
  Parts& early = early_work ? *early_work->parts_ : *none.parts_;
  auto driver = connected(ws, early, OpenMode::kReadOnly);
  StateIndex state = state_of(*driver, early);
  MigratePreview preview;
  preview.plan = make_plan(ws.graph(), ws.env(), state, options);
  if (!preview.plan.errors.empty()) return preview;
  if (sql) {
    preview.sql = render_plan_sql(*driver, ws, preview.plan);
  } else {
    read_activity(*driver, state);  // paused, running or interrupted: as status and plan say
    preview.warnings = integrity_findings(ws.graph(), state);
  }
  return preview;
}

}  // namespace trellis
