#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>

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

// Validated before the workspace loads: a bad value is refused before anything connects.
std::optional<Millis> parse_lock_wait(const std::string& text) {
  if (text.empty()) return std::nullopt;
  auto d = parse_duration(text);
  if (!d) {
    throw Error(ErrorKind::kUsage, "--lock-wait: bad duration '" + text + "'",
                "write it with a unit: \"30s\", \"500ms\", \"2min\", or 0 for no wait");
  }
  return d;
}

// What apply does while the migration files load. It writes nothing, so bad files still
// leave the database untouched: it connects (to a SQLite file only if the file exists,
// since opening would create it), takes the runner lock only if it is free right now
// (never waiting for it), and reads the state, which that lock keeps current until apply
// runs (indexed here too). Whatever it could not do is done afterwards, as without it.
struct EarlyWork {
  std::unique_ptr<Driver> driver;
  bool locked = false;
  std::optional<StateIndex> state;
};

EarlyWork start_early(const Config& config, const Environment& env, OpenMode mode) {
  EarlyWork early;
  if (opening_creates(env.database)) return early;
  early.driver = open_driver(env.database, mode, driver_options(config, env));
  if (mode == OpenMode::kReadWrite) {
    try {
      early.driver->lock().acquire(Millis{0});
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::kLock) throw;
      return early;  // another runner has it: wait for it after the files load
    }
    early.locked = true;
  }
  early.state = StateIndex(early.driver->state().load_rows());
  return early;
}

std::unique_ptr<Driver> connected(const Workspace& ws, EarlyWork& early, OpenMode mode) {
  return early.driver ? std::move(early.driver) : ws.connect(mode);
}

StateIndex state_of(Driver& driver, EarlyWork& early) {
  return early.state ? std::move(*early.state) : StateIndex(driver.state().load_rows());
}

int preview(const Workspace& ws, EarlyWork& early, const ApplyFlags& f) {
  auto driver = connected(ws, early, OpenMode::kReadOnly);
  StateIndex state = state_of(*driver, early);
  Plan plan = make_plan(ws.graph(), ws.env(), state, f.plan);
  if (!plan.errors.empty()) {
    print_plan_errors(plan);
    return static_cast<int>(ExitCode::kBadInput);
  }
  if (f.sql) std::fputs(render_plan_sql(*driver, ws, plan).c_str(), stdout);
  else if (f.json) Output::get().json(plan_json(ws, plan, integrity_findings(ws.graph(), state)));
  else print_plan(ws, plan);
  return plan_exit_status(plan);
}

nlohmann::json held_json(const Graph& g, const std::vector<Held>& held) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& h : held) {
    out.push_back({{"id", g.at(h.node).id}, {"feature", g.at(h.node).feature},
                   {"reason", hold_reason_id(h.reason)}, {"detail", h.detail}});
  }
  return out;
}

nlohmann::json results_json(const Graph& g, const std::vector<StepOutcome>& outcomes,
                            const SummaryExtras& extras) {
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
  nlohmann::json doc = {{"results", results}, {"applied", applied}, {"failed", failed}, {"blocked", blocked},
                        {"held", extras.held.size()}, {"held_back", held_json(g, extras.held)}};
  if (extras.interrupted) doc["interrupted"] = g.at(*extras.interrupted).id;
  return doc;
}

int exit_status(const std::vector<StepOutcome>& outcomes, const SummaryExtras& extras) {
  bool all_applied = std::all_of(outcomes.begin(), outcomes.end(),
                                 [](const StepOutcome& o) { return o.result == StepResult::kApplied; });
  return static_cast<int>(all_applied && extras.held.empty() ? ExitCode::kOk : ExitCode::kFailed);
}

// What the run did until the connection was lost: the finished outcomes, the migration
// in flight and everything after it as not run (the one in flight flagged in `extras`).
std::vector<StepOutcome> cut_off(const Graph& g, const Plan& plan, const PrintingObserver& observer,
                                 const Error& lost, SummaryExtras& extras) {
  std::vector<StepOutcome> outcomes = observer.finished();
  for (std::size_t i = outcomes.size(); i < plan.steps.size(); ++i) {
    StepOutcome o;
    o.node = plan.steps[i].node;
    o.result = StepResult::kNotRun;
    o.error = "not run: the connection to the database was lost";
    if (observer.running() == &g.at(o.node)) {
      extras.interrupted = o.node;
      std::string message = lost.what();
      message = message.substr(0, message.find('\n'));  // libpq's own lines go to stderr
      extras.interrupted_why =
          "the connection was lost while it ran (" + message + "); status shows what the database recorded";
      o.error = "interrupted: the connection was lost while it ran";
    }
    outcomes.push_back(std::move(o));
  }
  return outcomes;
}

// Prints the summary of a run whose connection was lost and returns the error to end
// it with (exit 3), naming the migration that was running.
Error lost_connection(const Graph& g, const Plan& plan, PrintingObserver& observer, const Error& lost,
                      SummaryExtras& extras, bool json) {
  observer.stop();
  auto outcomes = cut_off(g, plan, observer, lost, extras);
  if (json) Output::get().json(results_json(g, outcomes, extras));
  else print_summary(g, outcomes, "applied", extras);
  std::string where = extras.interrupted ? " while applying " + g.at(*extras.interrupted).id : "";
  std::string hint = lost.hint().empty() ? "run 'trellis status' to see what was recorded, then apply again"
                                         : lost.hint();
  return Error(ErrorKind::kConnection, std::string("lost the connection") + where + ": " + lost.what(), hint);
}

// What apply runs: the plan for a state, refused (nullopt after printing why: exit 2) on
// plan errors, and refused by Error on edited files or statements that do not parse.
struct Decision {
  Plan plan;
  SplitPlan split;
};

std::optional<Decision> decide(Driver& driver, const Workspace& ws, const StateIndex& state,
                               const ApplyFlags& f, const Decision* before = nullptr) {
  Plan plan = make_plan(ws.graph(), ws.env(), state, f.plan);
  if (!plan.errors.empty()) {
    print_plan_errors(plan);
    return std::nullopt;
  }
  refuse_edited(ws.graph(), state);
  auto same_steps = [&] {
    return std::equal(plan.steps.begin(), plan.steps.end(), before->plan.steps.begin(),
                      before->plan.steps.end(), [](const Step& a, const Step& b) { return a.node == b.node; });
  };
  if (before != nullptr && same_steps()) return Decision{std::move(plan), before->split};
  SplitPlan split = preflight(driver, ws, plan);
  return Decision{std::move(plan), std::move(split)};
}

// " (2 unreleased-feature, 1 contract-not-allowed; 'trellis plan' lists them)", or "".
std::string held_reasons(const Plan& plan) {
  if (plan.held.empty()) return "";
  std::map<std::string, int> by_reason;
  for (const Held& h : plan.held) ++by_reason[hold_reason_id(h.reason)];
  std::vector<std::string> parts;
  for (const auto& [reason, n] : by_reason) parts.push_back(std::to_string(n) + " " + reason);
  return " (" + join(parts, ", ") + "; 'trellis plan' lists them)";
}

int apply(const Workspace& ws, EarlyWork& early, const ApplyFlags& f, Millis lock_wait) {
  // Everything that can refuse the run is decided before anything is written or created:
  // a SQLite file that does not exist yet reads as empty through a read-only driver.
  bool writable = early.driver != nullptr;
  auto driver = connected(ws, early, OpenMode::kReadOnly);
  StateIndex state = state_of(*driver, early);
  std::optional<Decision> decision = decide(*driver, ws, state, f);
  if (!decision) return static_cast<int>(ExitCode::kBadInput);
  if (!writable) driver = ws.connect(OpenMode::kReadWrite);
  if (!early.locked) {
    driver->lock().acquire(lock_wait, [&](const std::string& holder, Millis waited) {
      if (f.json) return;
      Output::get().line(waited < Millis{1000}
                             ? "Waiting up to " + format_duration(lock_wait) + " for the runner lock, held by " + holder
                             : "Still waiting for the runner lock (" + format_duration(waited) + " of " +
                                   format_duration(lock_wait) + "), held by " + holder);
    });
    state = StateIndex(driver->state().load_rows());  // read before the lock: read and decide again
    decision = decide(*driver, ws, state, f, &*decision);
    if (!decision) return static_cast<int>(ExitCode::kBadInput);
  }
  driver->state().ensure();  // changes nothing when the tables exist, so the rows read hold
  const Plan& plan = decision->plan;
  const Output& out = Output::get();
  SummaryExtras extras;
  extras.held = plan.incomplete();
  if (plan.steps.empty() && !f.json) {
    out.line("Nothing to apply in " + ws.env().name + " (" + driver->display_target() + "): " +
             std::to_string(state.rows().size()) + " migration(s) recorded, " +
             std::to_string(plan.held.size()) + " held back" + held_reasons(plan));
    driver.reset();  // closed cleanly (and the lock released); the rest need not be freed
    if (!extras.held.empty()) print_summary(ws.graph(), {}, "applied", extras);
    exit_now(exit_status({}, extras));
  }
  if (!f.json) {
    out.line(out.paint(Style::kBold, "Applying " + std::to_string(plan.steps.size()) + " migration(s)") +
             " to " + ws.env().name + " (" + driver->display_target() + ")");
  }
  std::string lock = driver->lock().description();
  if (!f.json && lock.rfind("lease", 0) == 0) out.line("Runner lock: " + lock);
  PrintingObserver observer(f.json);
  observer.set_id_width(id_width(ws.graph(), plan));
  ApplyOptions options;
  options.on_failure = f.fail_fast ? FailurePolicy::kFailFast : FailurePolicy::kIsolate;
  std::vector<StepOutcome> outcomes;
  try {
    outcomes = run_plan(*driver, ws, plan, decision->split, options, observer);
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::kConnection) throw;
    throw lost_connection(ws.graph(), plan, observer, e, extras, f.json);
  }
  driver->lock().release();
  if (f.json) out.json(results_json(ws.graph(), outcomes, extras));
  else if (!outcomes.empty()) print_summary(ws.graph(), outcomes, "applied", extras);
  return exit_status(outcomes, extras);
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
    std::optional<Millis> lock_wait = parse_lock_wait(f->lock_wait);
    bool read_only = f->dry_run || f->sql;
    OpenMode mode = read_only ? OpenMode::kReadOnly : OpenMode::kReadWrite;
    EarlyWork early;
    Workspace ws = g.workspace([&](const Config& config, const Environment& env) {
      early = start_early(config, env, mode);
    });
    if (read_only) return preview(ws, early, *f);
    return apply(ws, early, *f, lock_wait.value_or(ws.env().settings.runner_lock_wait));
  };
}

}  // namespace trellis::cli
