#include <algorithm>
#include <map>
#include <optional>

#include "cli/apply_observer.h"
#include "cli/diagnostic_view.h"
#include "cli/event_log.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "cli/plan_view.h"
#include "trellis/error.h"
#include "trellis/migrate.h"
#include "trellis/replicas.h"
#include "util/text.h"

namespace trellis::cli {

// commands.h. Validated before the workspace loads: a bad value is refused before anything connects.
std::optional<Millis> parse_lock_wait(const std::string& text) {
  if (text.empty()) return std::nullopt;
  auto d = parse_duration(text);
  if (!d) {
    throw Error(ErrorKind::kUsage, "--lock-wait: bad duration '" + text + "'",
                "write it with a unit: \"30s\", \"500ms\", \"2min\", or 0 for no wait");
  }
  return d;
}

namespace {

struct ApplyFlags {
  PlanOptions plan;
  bool fail_fast = false, dry_run = false, sql = false, json = false;
  std::string lock_wait;
  bool wait_replicas_given = false;     // --wait-replicas [D]
  std::optional<Millis> wait_replicas;  // its D, when one was given
};

int preview(const Workspace& ws, MigrateEarlyWork& early, const ApplyFlags& f) {
  MigratePreview p = preview_migrate(ws, f.plan, f.sql, &early);
  if (!p.plan.errors.empty()) {
    print_plan_errors(p.plan);
    if (f.json) Output::get().json(plan_json(ws, p.plan, p.warnings));
    return static_cast<int>(ExitCode::kBadInput);
  }
  if (f.sql) std::fputs(p.sql.c_str(), stdout);
  else if (f.json) Output::get().json(plan_json(ws, p.plan, p.warnings));
  else print_plan(ws, p.plan);
  return plan_exit_status(p.plan);
}

nlohmann::json held_json(const Graph& g, const std::vector<Held>& held) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& h : held) {
    out.push_back({{"id", g.at(h.node).id}, {"feature", g.at(h.node).feature},
                   {"reason", hold_reason_id(h.reason)}, {"detail", h.detail}});
  }
  return out;
}

nlohmann::json positive_or_null(int n) { return n > 0 ? nlohmann::json(n) : nlohmann::json(nullptr); }

nlohmann::json result_json(const Graph& g, const StepOutcome& o) {
  bool ran = o.result == StepResult::kApplied || o.result == StepResult::kFailed;
  return {{"id", g.at(o.node).id},
          {"result", step_result_name(o.result)},
          {"duration_ms", ran ? nlohmann::json(o.duration_ms) : nlohmann::json(nullptr)},
          {"error", string_or_null(o.error)},
          {"statement", positive_or_null(o.statement)},
          {"line", positive_or_null(o.line)},
          {"attempts", ran ? nlohmann::json(o.attempts) : nlohmann::json(nullptr)},
          {"blocked_by", string_or_null(o.blocked_by)}};
}

nlohmann::json results_json(const Graph& g, const std::vector<StepOutcome>& outcomes, const SummaryExtras& extras,
                            const Plan* refused = nullptr) {
  nlohmann::json results = nlohmann::json::array();
  int applied = 0, failed = 0, blocked = 0;
  for (const auto& o : outcomes) {
    applied += o.result == StepResult::kApplied;
    failed += o.result == StepResult::kFailed;
    blocked += o.result == StepResult::kBlocked;
    results.push_back(result_json(g, o));
  }
  nlohmann::json errors =
      refused ? json_array(refused->errors, {{report::Field::kMessage, "message"}, {report::Field::kHint, "hint"}})
              : nlohmann::json::array();
  return {{"results", results}, {"applied", applied}, {"failed", failed}, {"blocked", blocked},
          {"held", extras.held.size()}, {"held_back", held_json(g, extras.held)},
          {"interrupted", extras.interrupted ? nlohmann::json(g.at(*extras.interrupted).id) : nlohmann::json(nullptr)},
          {"errors", errors}};
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

// apply's counts on the closing "run.finished" event.
void log_counts(const MigrateReport& r) {
  int applied = 0, failed = 0, blocked = 0;
  for (const auto& o : r.outcomes) {
    applied += o.result == StepResult::kApplied;
    failed += o.result == StepResult::kFailed;
    blocked += o.result == StepResult::kBlocked;
  }
  EventLog::get().add_to_finish({{"applied", applied}, {"failed", failed}, {"blocked", blocked},
                                 {"held", r.incomplete.size()}});
}

SummaryExtras extras_of(const MigrateReport& r) {
  SummaryExtras extras;
  extras.held = r.incomplete;
  extras.interrupted = r.interrupted;
  extras.interrupted_why = r.interrupted_why;
  return extras;
}

// The lines printed once the lock is held, before the first migration runs.
void print_run_start(const Workspace& ws, const MigrateReport& r) {
  const Output& out = Output::get();
  out.line(out.paint(Style::kBold, "Applying " + std::to_string(r.plan.steps.size()) + " migration(s)") + " to " +
           ws.env().name + " (" + r.target + ")");
  if (r.lock.rfind("lease", 0) == 0) out.line("Runner lock: " + r.lock);
}

// --wait-replicas: once the run is over, until every replica has replayed what it
// committed. Its timeout is exit 3 (unless the run already failed), naming who lags.
// The flag wins over the environment's wait_replicas setting; 0 is "do not wait".
int wait_replicas(const Workspace& ws, const ApplyFlags& f, int status) {
  Millis setting = ws.env().settings.wait_replicas;
  Millis timeout = f.wait_replicas ? *f.wait_replicas
                   : f.wait_replicas_given ? (setting > Millis{0} ? setting : Millis{60000})
                                           : setting;
  if (timeout <= Millis{0}) return status;
  const Output& out = Output::get();
  auto say = [&](const std::string& line) { f.json ? out.err("trellis: " + line) : out.line(line); };
  auto driver = ws.connect(OpenMode::kReadOnly);
  ReplicaWaitReport w = wait_for_replicas(*driver, timeout);
  if (!w.supported) {
    say("note: " + ws.env().name + " has no replicas (" + driver->display_target() + "): nothing to wait for");
    return status;
  }
  if (w.replicas.empty()) {
    say("Replicas: none connected to " + driver->display_target() + " (pg_stat_replication is empty)");
    return status;
  }
  if (w.caught_up) {
    say("Replicas: all " + std::to_string(w.replicas.size()) + " have replayed up to " + w.position + " (waited " +
        format_duration(w.waited) + ")");
    return status;
  }
  out.err("trellis: error: replicas still behind " + w.position + " after " + format_duration(w.waited) + ":");
  for (const auto& r : w.replicas) {
    if (r.bytes_behind && *r.bytes_behind <= 0) continue;
    out.err("  " + r.name + ": " +
            (r.bytes_behind ? std::to_string(*r.bytes_behind) + " bytes of WAL not replayed" +
                                  (r.replay_lag.empty() ? "" : ", replay lag " + r.replay_lag)
                            : "reports no replay position (the role needs pg_monitor to see it)"));
  }
  out.err("  hint: the migrations are committed on the primary; wait longer (--wait-replicas 5min) or look at the "
          "replica (recovery_min_apply_delay, max_standby_streaming_delay, a long query holding replay back)");
  return status != 0 ? status : static_cast<int>(ExitCode::kUnavailable);
}

int apply(const Workspace& ws, MigrateEarlyWork& early, const ApplyFlags& f, Millis lock_wait) {
  MigrateOptions options;
  options.plan = f.plan;
  options.on_failure = f.fail_fast ? FailurePolicy::kFailFast : FailurePolicy::kIsolate;
  options.lock_wait = lock_wait;
  MigrateCallbacks callbacks;
  callbacks.on_lock_wait = [lock_wait, json = f.json](const std::string& holder, Millis waited) {
    EventLog::get().emit("lock.waited", {{"holder", holder}, {"waited_ms", waited.count()},
                                         {"limit_ms", lock_wait.count()}});
    if (json) return;
    Output::get().line(waited < Millis{1000}
                           ? "Waiting up to " + format_duration(lock_wait) + " for the runner lock, held by " + holder
                           : "Still waiting for the runner lock (" + format_duration(waited) + " of " +
                                 format_duration(lock_wait) + "), held by " + holder);
  };
  PrintingObserver observer(f.json);
  callbacks.on_run_start = [&](const MigrateReport& r) {
    EventLog::get().emit("run.started", {{"environment", ws.env().name}, {"target", r.target},
                                         {"migrations", r.plan.steps.size()}, {"lock", r.lock}});
    if (!f.json) print_run_start(ws, r);
    observer.set_id_width(id_width(ws.graph(), r.plan));
  };
  MigrateReport r = migrate(ws, options, observer, callbacks, &early);
  if (r.refused()) {
    print_plan_errors(r.plan);
    if (f.json) Output::get().json(results_json(ws.graph(), {}, {}, &r.plan));
    return r.exit_status();
  }
  const Output& out = Output::get();
  SummaryExtras extras = extras_of(r);
  log_counts(r);
  if (r.lost) {
    observer.stop();
    if (f.json) out.json(results_json(ws.graph(), r.outcomes, extras));
    else print_summary(ws.graph(), r.outcomes, "applied", extras);
    throw *r.lost;
  }
  if (r.nothing_to_do() && !f.json) {
    out.line("Nothing to apply in " + ws.env().name + " (" + r.target + "): " + std::to_string(r.recorded) +
             " migration(s) recorded, " + std::to_string(r.plan.held.size()) + " held back" + held_reasons(r.plan));
    if (!extras.held.empty()) print_summary(ws.graph(), {}, "applied", extras);
    exit_now(wait_replicas(ws, f, r.exit_status()));  // the rest need not be freed
  }
  if (f.json) out.json(results_json(ws.graph(), r.outcomes, extras));
  else if (!r.outcomes.empty()) print_summary(ws.graph(), r.outcomes, "applied", extras);
  return wait_replicas(ws, f, r.exit_status());
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
  auto wait_replicas_text = std::make_shared<std::string>();
  auto* wait_replicas = sub.add_option("--wait-replicas", *wait_replicas_text,
                                       "Then wait until every streaming replica has replayed the run (PostgreSQL; "
                                       "default 60s, or the wait_replicas setting; 0: do not wait; exit 3 at "
                                       "the timeout, naming who lags)")
                            ->expected(0, 1)
                            ->type_name("[DURATION]");
  sub.add_flag("--json", f->json, "Machine-readable results (see docs/json.md)");
  return [&g, f, wait_replicas, wait_replicas_text]() {
    if (wait_replicas->count() > 0) {
      const std::string& text = *wait_replicas_text;
      f->wait_replicas_given = true;
      if (!text.empty()) f->wait_replicas = text == "0" ? Millis{0} : parse_duration(text);
      if (!text.empty() && !f->wait_replicas)
        throw Error(ErrorKind::kUsage, "--wait-replicas: bad duration '" + text + "'", "e.g. \"30s\", \"5min\"");
    }
    std::optional<Millis> lock_wait = parse_lock_wait(f->lock_wait);
    bool read_only = f->dry_run || f->sql;
    MigrateEarlyWork early;
    Workspace ws = g.workspace(early.job(read_only));
    if (read_only) return preview(ws, early, *f);
    return apply(ws, early, *f, lock_wait.value_or(ws.env().settings.runner_lock_wait));
  };
}

}  // namespace trellis::cli
