#include "trellis/check.h"

#include "engine/drift.h"
#include "sql/pg_named_params.h"
#include "sql/pg_split.h"
#include "trellis/error.h"
#include "trellis/lint_session.h"
#include "trellis/rollback.h"
#include "trellis/status.h"

namespace trellis {
namespace {

// Down sections that PostgreSQL's parser cannot split, with file and line: rollback would
// refuse them before running anything. (SQLite's splitter accepts any text.) Offline, so
// with the sql layer's splitter rather than a connection's dialect.
void add_down_parse_findings(const Workspace& ws, std::vector<Finding>& findings) {
  if (dialect_of(ws) != Dialect::kPostgres) return;
  for (const auto& m : ws.project().migrations) {
    if (!m.reversible() || !m.down.has_sql) continue;
    try {
      pg::split_statements(pg::mask_named_params(m.down.sql), m.down.first_line);
    } catch (const Error& e) {
      for (const Diagnostic& d : e.diagnostics()) {
        Finding f = down_split_problem(m, d);
        f.code = "parse";
        f.message = format_text(f);  // check's text shows messages only: "path:line: …"
        if (f.line == 0) f.line = m.down.first_line;
        findings.push_back(std::move(f));
      }
    }
  }
}

void add_plan_findings(const Workspace& ws, const StateIndex& state, std::vector<Finding>& findings) {
  Plan plan = make_plan(ws.graph(), ws.env(), state, PlanOptions{});
  for (const auto& e : plan.errors) {
    findings.push_back(make_finding("plan", Severity::kError, "", "", 0, e.message + " (" + e.hint + ")"));
  }
  add_down_parse_findings(ws, findings);
  for (const auto& h : plan.held) {  // apply would hold these back and exit 1
    if (h.reason != HoldReason::kUnreleasedDependency) continue;
    const Migration& m = ws.graph().at(h.node);
    findings.push_back(make_finding("plan", Severity::kError, m.id, m.path, 0, m.id + " " + h.detail));
  }
}

}  // namespace

bool CheckReport::ok() const {
  for (const auto& f : findings) {
    if (f.severity == Severity::kError) return false;
  }
  return true;
}

CheckReport check_project(const Workspace& ws, const CheckOptions& options) {
  StateIndex state;
  std::unique_ptr<Driver> driver;
  bool drift = !options.offline && options.drift;
  std::string scratch_url = drift ? scratch_url_for(ws, options) : "";  // a bad URL before any connection
  std::vector<HistoryEvent> history;
  std::unique_ptr<LiveSchemaReader> live;  // the live schema, read while the files are checked
  if (!options.offline) {
    driver = ws.connect(OpenMode::kReadOnly);
    state = StateIndex(driver->state().load_rows());
    read_activity(*driver, state);
    if (drift) {
      history = driver->state().load_history();
      live = std::make_unique<LiveSchemaReader>(*driver);
    }
  }
  CheckReport report;
  std::vector<Finding>& findings = report.findings;
  findings = release_list_findings(ws.project().config, ws.graph());
  for (auto& f : integrity_findings(ws.graph(), state)) findings.push_back(std::move(f));
  failures_as_errors(findings);
  add_plan_findings(ws, state, findings);
  LintSession session(ws.project(), ws.graph(), lint_target(ws.project().config, ws.env().database).dialect, &state);
  std::string version_why;  // the server's version, as `trellis lint` reads it
  session.set_postgres_version(lint_postgres_version(
      ws.project().config, driver ? driver->catalog().server_major_version() : std::nullopt, version_why));
  LintReport lint = options.lint ? session.run_with_downs() : session.run();
  for (auto& f : lint_check_findings(lint, options.lint)) findings.push_back(std::move(f));
  session.save_cache();
  if (drift) report.drift = check_drift(ws, state, history, *live, scratch_url, findings);
  return report;
}

}  // namespace trellis
