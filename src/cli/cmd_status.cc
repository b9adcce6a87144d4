#include "cli/commands.h"
#include "cli/output.h"
#include "cli/plan_view.h"
#include "trellis/error.h"
#include "trellis/replica_locks.h"
#include "trellis/status.h"

namespace trellis::cli {
namespace {

nlohmann::json status_json(const Workspace& ws, const StatusReport& r) {
  nlohmann::json features = nlohmann::json::array(), migrations = nlohmann::json::array();
  for (const auto& f : r.features) {
    features.push_back({{"name", f.name}, {"released", f.released}, {"applied", f.applied},
                        {"pending", f.pending}, {"failed", f.failed}, {"blocked", f.blocked},
                        {"held", f.held}, {"running", f.running}, {"paused", f.paused},
                        {"interrupted", f.interrupted},
                        {"head", f.head.empty() ? nlohmann::json(nullptr) : nlohmann::json(f.head)},
                        {"phase", f.phase.empty() ? nlohmann::json(nullptr) : nlohmann::json(f.phase)}});
  }
  for (const auto& v : r.migrations) {
    const Migration& m = ws.graph().at(v.node);
    nlohmann::json j = {{"id", m.id}, {"feature", m.feature}, {"phase", phase_name(m.phase)},
                        {"state", migration_state_name(v.state)}};
    bool applied = v.row != nullptr && v.state == MigrationState::kApplied;
    bool started = v.row != nullptr && !m.batch &&
                   (v.state == MigrationState::kRunning || v.state == MigrationState::kInterrupted);
    j["applied_at"] = applied ? string_or_null(v.row->finished_at) : nlohmann::json(nullptr);
    j["error"] = v.row != nullptr ? string_or_null(v.row->error) : nlohmann::json(nullptr);
    j["statements_done"] = started ? nlohmann::json(v.row->statements_done) : nlohmann::json(nullptr);
    j["reason"] = string_or_null(v.reason);
    migrations.push_back(j);
  }
  return {{"environment", ws.env().name}, {"database", mask_url(ws.env().database)},
          {"features", features}, {"migrations", migrations}, {"warnings", findings_json(r.warnings)},
          {"connection", nullptr}};
}

void print_status(const Workspace& ws, const StatusReport& r) {
  const Output& out = Output::get();
  out.line(out.paint(Style::kBold, "Status of " + ws.env().name) + " (" + mask_url(ws.env().database) + ")");
  std::vector<std::vector<std::string>> rows;
  auto cell = [&](int n, const char* state) {
    return n == 0 ? out.paint(Style::kDim, "0") : out.paint(style_for_state(state), std::to_string(n));
  };
  for (const auto& f : r.features) {
    rows.push_back({f.name + (f.released ? "" : out.paint(Style::kDim, " (unreleased)")), cell(f.applied, "applied"),
                    cell(f.pending, "pending"), cell(f.failed, "failed"), cell(f.blocked, "blocked"),
                    cell(f.held, "held"), f.phase.empty() ? "-" : f.phase, f.head.empty() ? "-" : f.head});
  }
  out.table({"feature", "applied", "pending", "failed", "blocked", "held", "phase", "head"}, rows);
  std::vector<std::vector<std::string>> attention;
  for (const auto& v : r.migrations) {
    if (v.state == MigrationState::kApplied || v.state == MigrationState::kPending) continue;
    std::string state = migration_state_name(v.state);
    std::string detail = v.reason;
    if (v.state == MigrationState::kFailed && v.row != nullptr) detail = v.row->error;
    attention.push_back({ws.graph().at(v.node).id, out.paint(style_for_state(state), state), detail});
  }
  if (!attention.empty()) {
    out.line();
    out.table({"migration", "state", "detail"}, attention);
  }
  std::vector<Finding> warnings;  // failed, running, paused and interrupted ones are in the table above
  for (const auto& w : r.warnings) {
    if (w.code != "failed" && w.code != "interrupted" && w.code != "running" && w.code != "paused") {
      warnings.push_back(w);
    }
  }
  if (!warnings.empty()) {
    out.line();
    print_findings(warnings);
  }
}

}  // namespace

Runner setup_status(CLI::App& sub, const Globals& g) {
  auto json = std::make_shared<bool>(false);
  auto exit_code = std::make_shared<bool>(false);
  sub.add_flag("--json", *json, "Machine-readable output (see docs/json.md)");
  sub.add_flag("--exit-code", *exit_code,
               "Exit 1 when anything released is not settled: pending, failed, blocked, running, paused or "
               "interrupted (for scripts)");
  return [&g, json, exit_code]() -> int {
    // Reading the database needs only the environment: it overlaps reading the files, and
    // so does closing it and indexing what it holds.
    StatusInputs in;
    Workspace ws = g.workspace([&](const Config& config, const Environment& env) {
      in = read_status_inputs(config, env);
    });
    StatusReport report = build_status(ws, in.state, in.leftovers);
    std::vector<Node> pending;
    for (const MigrationView& v : report.migrations) {
      if (v.state == MigrationState::kPending) pending.push_back(v.node);
    }
    for (Finding& f : replica_lock_findings(ws.graph(), pending, in.replicas)) report.warnings.push_back(std::move(f));
    const std::string& connection = in.connection_note;
    if (*json) {
      nlohmann::json doc = status_json(ws, report);
      if (!connection.empty()) doc["connection"] = connection;
      Output::get().json(doc);
    } else {
      print_status(ws, report);
      if (!connection.empty()) Output::get().line("note: " + connection);
    }
    bool settled = true;
    for (const auto& f : report.features) {
      settled = settled && f.pending + f.failed + f.blocked + f.running + f.paused + f.interrupted == 0;
    }
    exit_now(*exit_code && !settled ? static_cast<int>(ExitCode::kFailed) : 0);
  };
}

}  // namespace trellis::cli
