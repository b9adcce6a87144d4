// trellis backfill status [ID] [--json] | pause ID | resume ID [--lock-wait D]
#include <cmath>

#include "cli/apply_observer.h"
#include "cli/backfill_progress.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "cli/plan_view.h"
#include "trellis/backfill_report.h"
#include "trellis/error.h"

namespace trellis::cli {
namespace {

struct BackfillFlags {
  std::string id;
  bool json = false;
  std::string lock_wait;
  CLI::App* status = nullptr;
  CLI::App* pause = nullptr;
  CLI::App* resume = nullptr;
};

template <typename T>
nlohmann::json opt(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

nlohmann::json view_json(const Graph& g, const BackfillView& v) {
  const Migration& m = g.at(v.node);
  nlohmann::json j = {{"id", m.id}, {"state", backfill_state_name(v.state)},
                      {"mode", m.batch->mode == BatchSpec::Mode::kRange ? "range" : "until-empty"},
                      {"rows_done", 0}, {"batches", 0}, {"last_key", nullptr},
                      {"rows_per_second", std::round(v.rows_per_second * 10) / 10},
                      {"rows_remaining", opt(v.rows_remaining)}, {"eta_seconds", opt(v.eta_seconds)}};
  if (const auto& c = v.checkpoint) {
    j["rows_done"] = c->rows_done;
    j["batches"] = c->batches;
    j["last_key"] = opt(c->last_key);
    j["started_at"] = c->started_at;
    j["updated_at"] = c->updated_at;
    j["active_ms"] = c->active_ms;
    j["pause_requested"] = c->pause_requested;
    j["error"] = string_or_null(c->error);
  }
  return j;
}

void print_views(const Graph& g, const std::vector<BackfillView>& views) {
  const Output& out = Output::get();
  if (views.empty()) {
    out.line("no batched backfills in this project");
    return;
  }
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> errors;
  for (const auto& v : views) {
    const auto& c = v.checkpoint;
    std::string name = backfill_state_name(v.state);
    bool running = v.state == BackfillState::kRunning;
    std::string state = name + (c && c->pause_requested && running ? " (pausing)" : "");
    rows.push_back({g.at(v.node).id, out.paint(style_for_state(v.state == BackfillState::kDone ? "applied" : name), state),
                    c ? with_commas(c->rows_done) : "0", c ? with_commas(c->batches) : "0",
                    with_commas(static_cast<std::int64_t>(v.rows_per_second)),
                    v.rows_remaining ? "~" + with_commas(*v.rows_remaining) : "?",
                    running ? format_eta(v.eta_seconds) : "-",
                    c && c->last_key ? *c->last_key : "-"});
    if (c && !c->error.empty() && v.state == BackfillState::kFailed) errors.push_back(g.at(v.node).id + ": " + c->error);
  }
  out.table({"backfill", "state", "rows", "batches", "rows/s", "left", "ETA", "last key"}, rows);
  for (const auto& e : errors) out.line(out.paint(Style::kRed, "  error: ") + e);
}

int status(const Workspace& ws, const BackfillFlags& f) {
  auto driver = ws.connect(OpenMode::kReadOnly);
  auto state = driver->state().load_rows();
  auto views = backfill_report(*driver, ws.graph(), state, f.id);
  if (f.json) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& v : views) arr.push_back(view_json(ws.graph(), v));
    Output::get().json({{"environment", ws.env().name}, {"backfills", arr}});
  } else {
    print_views(ws.graph(), views);
  }
  return 0;
}

const Migration& backfill_migration(const Workspace& ws, const std::string& id) {
  auto n = ws.graph().find(id);
  if (!n) throw Error(ErrorKind::kUsage, "no migration '" + id + "'");
  const Migration& m = ws.graph().at(*n);
  if (!m.batch) throw Error(ErrorKind::kUsage, m.id + " is not a batched backfill (it has no '-- batch:' directive)");
  return m;
}

int pause(const Workspace& ws, const BackfillFlags& f) {
  const Migration& m = backfill_migration(ws, f.id);
  auto driver = ws.connect(OpenMode::kReadWrite);
  if (!driver->state().request_pause(m.id, PauseRequest::kPause)) {
    throw Error(ErrorKind::kPlan, m.id + " has not started: there is nothing to pause",
                "a backfill can be paused once 'trellis apply' has started it");
  }
  Output::get().line("pause requested: " + m.id + " stops after its current batch; 'trellis backfill resume " +
                     m.id + "' continues it");
  return 0;
}

int resume(const Workspace& ws, const BackfillFlags& f) {
  Millis wait = ws.env().settings.runner_lock_wait;
  if (!f.lock_wait.empty()) {
    auto d = parse_duration(f.lock_wait);
    if (!d) throw Error(ErrorKind::kUsage, "--lock-wait: bad duration '" + f.lock_wait + "' (e.g. 30s)");
    wait = *d;
  }
  const Migration& m = backfill_migration(ws, f.id);
  auto driver = ws.connect(OpenMode::kReadWrite);
  driver->state().ensure();
  driver->state().request_pause(m.id, PauseRequest::kResume);
  driver->lock().acquire(wait);
  StateIndex state(driver->state().load_rows());
  const Output& out = Output::get();
  if (state.applied(m.id)) {
    out.line(m.id + " is already applied");
    return 0;
  }
  PlanOptions options;
  options.to = m.id;
  Plan plan = make_plan(ws.graph(), ws.env(), state, options);
  if (!plan.errors.empty()) {
    print_plan_errors(plan);
    return static_cast<int>(ExitCode::kBadInput);
  }
  for (const auto& h : plan.held) {
    if (ws.graph().at(h.node).id == m.id) throw Error(ErrorKind::kPlan, m.id + " is held back: " + h.detail);
  }
  refuse_edited(ws.graph(), state);
  SplitPlan split = preflight(*driver, ws, plan);
  PrintingObserver observer(false);
  auto outcomes = run_plan(*driver, ws, plan, split, ApplyOptions{}, observer);
  driver->lock().release();
  print_summary(ws.graph(), outcomes, "applied");
  for (const auto& o : outcomes) {
    if (o.result != StepResult::kApplied) return static_cast<int>(ExitCode::kFailed);
  }
  return 0;
}

}  // namespace

Runner setup_backfill(CLI::App& sub, const Globals& g) {
  auto f = std::make_shared<BackfillFlags>();
  sub.require_subcommand(1);
  f->status = sub.add_subcommand("status", "Rows done, rate, rows left and ETA of batched backfills");
  f->status->add_option("ID", f->id, "Only this backfill");
  f->status->add_flag("--json", f->json, "Machine-readable output");
  f->pause = sub.add_subcommand("pause", "Stop a running backfill cleanly after its current batch");
  f->pause->add_option("ID", f->id, "The backfill migration")->required();
  f->resume = sub.add_subcommand("resume", "Continue a paused, failed or interrupted backfill from its checkpoint");
  f->resume->add_option("ID", f->id, "The backfill migration")->required();
  f->resume->add_option("--lock-wait", f->lock_wait, "How long to wait for another runner's lock")
      ->type_name("DURATION");
  return [&g, f]() {
    Workspace ws = g.workspace();
    if (f->status->parsed()) return status(ws, *f);
    if (f->pause->parsed()) return pause(ws, *f);
    return resume(ws, *f);
  };
}

}  // namespace trellis::cli
