// trellis fleet plan|apply|status --targets FILE: the project over many databases.
#include <algorithm>
#include <mutex>
#include <set>
#include <utility>

#include "cli/commands.h"
#include "cli/event_log.h"
#include "cli/live_line.h"
#include "cli/migration_events.h"
#include "cli/output.h"
#include "cli/plan_view.h"
#include "trellis/error.h"
#include "trellis/fleet.h"
#include "util/text.h"

namespace trellis::cli {
namespace {

struct FleetFlags {
  CLI::App* plan = nullptr;
  CLI::App* apply = nullptr;
  CLI::App* status = nullptr;
  std::string targets, targets_query, catalog, lock_wait;
  unsigned parallel = 4;
  std::size_t canary = 0;
  bool fail_fast = false, json = false;
  PlanOptions plan_options;
};

void add_common(CLI::App& sub, FleetFlags& f) {
  auto* file = sub.add_option("--targets", f.targets, "TOML file with one [target.NAME] table per database (README: fleet)")
                   ->type_name("FILE");
  auto* query = sub.add_option("--targets-query", f.targets_query,
                               "Instead of --targets: a query on --catalog returning name, database [, env]")
                    ->type_name("SQL");
  file->excludes(query);
  sub.add_option("--catalog", f.catalog, "The database --targets-query runs on")->type_name("URL")->needs(query);
  sub.add_option("--parallel", f.parallel, "Targets run at once, one connection each (default 4)")
      ->type_name("N")
      ->check(CLI::Range(1u, 256u));
  sub.add_flag("--json", f.json, "Machine-readable report (see docs/json.md)");
}

FleetAction action_of(const FleetFlags& f) {
  if (f.apply->parsed()) return FleetAction::kApply;
  if (f.plan->parsed()) return FleetAction::kPlan;
  return FleetAction::kStatus;
}

const char* action_name(FleetAction a) {
  switch (a) {
    case FleetAction::kApply: return "apply";
    case FleetAction::kPlan: return "plan";
    case FleetAction::kStatus: return "status";
  }
  return "?";
}

Style style_of(TargetResult r) {
  switch (r) {
    case TargetResult::kOk: return Style::kGreen;
    case TargetResult::kFailed:
    case TargetResult::kRefused: return Style::kRed;
    case TargetResult::kIncomplete:
    case TargetResult::kUnreachable: return Style::kYellow;
    case TargetResult::kSkipped: return Style::kDim;
  }
  return Style::kPlain;
}

std::string seconds(std::int64_t ms) { return ms == 0 ? "0ms" : format_duration(Millis{ms}); }

// What one target's counts say, in words: "3 applied, 1 failed, 2 blocked".
std::string counts(FleetAction a, const TargetReport& t) {
  std::vector<std::string> parts;
  auto add = [&](int n, const char* word, bool always = false) {
    if (n > 0 || always) parts.push_back(std::to_string(n) + " " + word);
  };
  if (a == FleetAction::kPlan) {
    add(t.pending, "to apply", true);
    add(t.held, "held back");
  } else if (a == FleetAction::kStatus) {
    add(t.applied, "applied", true);
    add(t.pending, "pending", true);
    add(t.failed, "failed");
    add(t.blocked, "blocked");
    add(t.held, "held");
    add(t.running, "running");
    add(t.paused, "paused");
    add(t.interrupted, "interrupted");
  } else {
    add(t.applied, "applied", true);
    add(t.failed, "failed");
    add(t.blocked, "blocked");
    add(t.held, "held back");
  }
  return join(parts, ", ");
}

// One line as a target finishes: "ok          eu1 (production, postgresql://…/eu1): 3 applied in 0.4s".
void print_done(FleetAction a, const TargetReport& t) {
  const Output& out = Output::get();
  std::string result = target_result_name(t.result);
  result.resize(std::max<std::size_t>(result.size(), 11), ' ');
  std::string line = out.paint(style_of(t.result), result) + " " + out.paint(Style::kBold, t.name) + " (" +
                     t.environment + ", " + t.database + "): ";
  line += t.result == TargetResult::kUnreachable || t.result == TargetResult::kRefused ? t.error : counts(a, t);
  line += " in " + seconds(t.duration_ms);
  if (!t.error.empty() && t.result != TargetResult::kUnreachable && t.result != TargetResult::kRefused) {
    line += ": " + t.error;
  }
  out.line(line);
}

nlohmann::json target_json(const TargetReport& t);

// target.finished: the report's counts (as in fleet.json), named by "target".
nlohmann::ordered_json target_event(const TargetReport& t) {
  nlohmann::json j = target_json(t);
  nlohmann::ordered_json e = {{"target", t.name}};
  for (const char* key : {"result", "applied", "failed", "blocked", "held", "pending", "running", "paused",
                          "interrupted", "duration_ms", "error"}) {
    e[key] = j[key];
  }
  return e;
}

// What the terminal and the event log hear while the fleet runs: a line per finished
// target, on a terminal a live line naming the running targets, with --log-format json
// events per target (and per migration, tagged with the target).
class FleetProgress {
 public:
  FleetProgress(FleetAction action, std::size_t total, bool json) : action_(action), total_(total), json_(json) {}

  FleetHooks hooks() {
    FleetHooks h;
    h.on_start = [this](const TargetReport& t) { started(t); };
    h.on_done = [this](const TargetReport& t) { done(t); };
    if (EventLog::get().enabled()) {
      h.observer = [](const TargetReport& t) -> std::unique_ptr<ApplyObserver> {
        return std::make_unique<MigrationEvents>(nlohmann::ordered_json{{"target", t.name}});
      };
    }
    return h;
  }
  void stop() { live_.stop(); }

 private:
  void started(const TargetReport& t) {
    EventLog::get().emit("target.started", {{"target", t.name}, {"environment", t.environment}, {"database", t.database}});
    std::lock_guard<std::mutex> lock(mutex_);
    running_.insert(t.name);
    redraw();
  }

  void done(const TargetReport& t) {
    EventLog::get().emit("target.finished", target_event(t));
    std::lock_guard<std::mutex> lock(mutex_);
    running_.erase(t.name);
    ++finished_;
    if (!json_) {
      LiveLine::Hold hold(live_);
      print_done(action_, t);
    }
    redraw();
  }

  // "12 of 50 done; eu4, eu7" (with mutex_ held).
  void redraw() {
    if (json_) return;
    if (running_.empty()) return live_.stop();  // e.g. between the canary and the rest
    std::vector<std::string> names(running_.begin(), running_.end());
    live_.update(std::to_string(finished_) + " of " + std::to_string(total_) + " done; " + join(names, ", "));
  }

  FleetAction action_;
  std::size_t total_;
  bool json_;
  std::mutex mutex_;
  std::set<std::string> running_;
  std::size_t finished_ = 0;
  LiveLine live_;
};

std::string cell(int n) { return std::to_string(n); }

void print_table(FleetAction a, const FleetReport& r) {
  const Output& out = Output::get();
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header;
  if (a == FleetAction::kApply) header = {"target", "result", "applied", "failed", "held/blocked", "time", "error"};
  if (a == FleetAction::kPlan) header = {"target", "result", "to apply", "held", "time", "error"};
  if (a == FleetAction::kStatus) {
    header = {"target", "result", "applied", "pending", "failed", "held/blocked", "time", "error"};
  }
  for (const TargetReport& t : r.targets) {
    std::string result = out.paint(style_of(t.result), target_result_name(t.result));
    std::string time = t.result == TargetResult::kSkipped ? "-" : seconds(t.duration_ms);
    std::string error = t.error.empty() ? "-" : t.error;
    std::string held = cell(t.held) + "/" + cell(t.blocked);
    if (a == FleetAction::kApply) rows.push_back({t.name, result, cell(t.applied), cell(t.failed), held, time, error});
    if (a == FleetAction::kPlan) rows.push_back({t.name, result, cell(t.pending), cell(t.held), time, error});
    if (a == FleetAction::kStatus) {
      rows.push_back({t.name, result, cell(t.applied), cell(t.pending), cell(t.failed), held, time, error});
    }
  }
  out.line();
  out.table(header, rows);
}

// Targets per result, in the order of TargetResult (ok first).
std::vector<std::pair<std::string, int>> tally(const FleetReport& r) {
  std::vector<std::pair<std::string, int>> by_result;
  for (TargetResult k : {TargetResult::kOk, TargetResult::kFailed, TargetResult::kIncomplete, TargetResult::kRefused,
                         TargetResult::kUnreachable, TargetResult::kSkipped}) {
    int n = static_cast<int>(std::count_if(r.targets.begin(), r.targets.end(),
                                           [k](const TargetReport& t) { return t.result == k; }));
    by_result.emplace_back(target_result_name(k), n);
  }
  return by_result;
}

void print_summary(const FleetReport& r, const FleetFlags& f) {
  std::vector<std::string> parts;
  for (const auto& [name, n] : tally(r)) {
    if (n > 0) parts.push_back(std::to_string(n) + " " + name);
  }
  const Output& out = Output::get();
  out.line();
  if (r.canary_stopped) {
    out.line(out.paint(Style::kRed, "Canary did not pass") + ": the first " + std::to_string(f.canary) +
             " target(s) did not all apply, so the other " + std::to_string(r.targets.size() - f.canary) +
             " were not started");
  }
  out.line("Fleet " + std::string(action_name(action_of(f))) + ": " + std::to_string(r.targets.size()) +
           " target(s), " + join(parts, ", ") + " in " + seconds(r.duration_ms) + " (--parallel " +
           std::to_string(f.parallel) + ")");
}

nlohmann::json target_json(const TargetReport& t) {
  bool ran = t.result != TargetResult::kSkipped;
  return {{"name", t.name},
          {"environment", t.environment},
          {"database", t.database},
          {"result", target_result_name(t.result)},
          {"applied", t.applied},
          {"failed", t.failed},
          {"blocked", t.blocked},
          {"held", t.held},
          {"pending", t.pending},
          {"running", t.running},
          {"paused", t.paused},
          {"interrupted", t.interrupted},
          {"duration_ms", ran ? nlohmann::json(t.duration_ms) : nlohmann::json(nullptr)},
          {"error", string_or_null(t.error)},
          {"migrations", t.migrations}};
}

nlohmann::json fleet_json(const FleetReport& r, const FleetFlags& f) {
  nlohmann::json targets = nlohmann::json::array();
  for (const TargetReport& t : r.targets) targets.push_back(target_json(t));
  nlohmann::json summary = {{"targets", r.targets.size()}};
  for (const auto& [name, n] : tally(r)) summary[name] = n;
  nlohmann::json canary = nullptr;
  if (action_of(f) == FleetAction::kApply && f.canary > 0) {
    canary = {{"size", std::min(f.canary, r.targets.size())}, {"passed", !r.canary_stopped}};
  }
  return {{"action", action_name(action_of(f))}, {"parallel", f.parallel}, {"targets", targets},
          {"summary", summary}, {"canary", canary}, {"duration_ms", r.duration_ms}, {"exit_code", r.exit_status()}};
}

int run(const Globals& g, const FleetFlags& f) {
  if (!g.database.empty()) {
    throw Error(ErrorKind::kUsage, "--database does not apply to fleet: its databases are the targets file's",
                "list each database as [target.NAME] database = \"...\" in the targets file");
  }
  FleetOptions options;
  options.action = action_of(f);
  options.parallel = f.parallel;
  options.canary = f.canary;
  options.fail_fast = f.fail_fast;
  options.migrate.plan = f.plan_options;
  options.default_env = g.env;
  if (!f.lock_wait.empty()) {
    auto wait = parse_duration(f.lock_wait);
    if (!wait) throw Error(ErrorKind::kUsage, "--lock-wait: bad duration '" + f.lock_wait + "'");
    options.migrate.lock_wait = wait;
  }
  if (f.targets.empty() && f.targets_query.empty()) {
    throw Error(ErrorKind::kUsage, "fleet needs --targets FILE or --targets-query SQL --catalog URL");
  }
  if (!f.targets_query.empty() && f.catalog.empty()) throw Error(ErrorKind::kUsage, "--targets-query needs --catalog URL");
  std::vector<FleetTarget> targets =
      f.targets.empty() ? query_targets(f.catalog, f.targets_query, g.dir) : load_targets(f.targets);
  // The project and its graph, loaded once for every target; this environment's own
  // database (an in-memory SQLite URL) is never opened: each target brings its own.
  Workspace base(g.dir, EnvSelection{g.env, "sqlite::memory:"});
  EventLog::get().emit("fleet.started", {{"action", action_name(options.action)}, {"targets", targets.size()},
                                         {"parallel", options.parallel}});
  FleetProgress progress(options.action, targets.size(), f.json);
  FleetReport report = run_fleet(base, targets, options, progress.hooks());
  progress.stop();
  nlohmann::ordered_json counts = nlohmann::ordered_json::object();
  for (const auto& [name, n] : tally(report)) counts[name] = n;
  EventLog::get().add_to_finish({{"targets", report.targets.size()}, {"results", counts}});
  if (f.json) {
    Output::get().json(fleet_json(report, f));
  } else {
    print_table(options.action, report);
    print_summary(report, f);
  }
  return report.exit_status();
}

}  // namespace

Runner setup_fleet(CLI::App& sub, const Globals& g) {
  auto f = std::make_shared<FleetFlags>();
  sub.require_subcommand(1);
  f->plan = sub.add_subcommand("plan", "What apply would run on each target");
  add_common(*f->plan, *f);
  add_plan_options(*f->plan, f->plan_options);
  f->apply = sub.add_subcommand("apply", "Apply the pending migrations to every target, each isolated");
  add_common(*f->apply, *f);
  add_plan_options(*f->apply, f->plan_options);
  f->apply->add_option("--canary", f->canary, "Apply to the first N targets first; stop if any of them fails")
      ->type_name("N");
  f->apply->add_flag("--fail-fast", f->fail_fast, "After a target fails, start no other (each stops at its first failure)");
  f->apply->add_option("--lock-wait", f->lock_wait, "How long to wait for each target's runner lock (default: lock_wait)")
      ->type_name("DURATION");
  f->status = sub.add_subcommand("status", "Applied, pending and failed migrations of every target");
  add_common(*f->status, *f);
  return [&g, f]() { return run(g, *f); };
}

}  // namespace trellis::cli
