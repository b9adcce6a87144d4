#include "cli/commands.h"
#include "cli/lint_view.h"
#include "cli/output.h"
#include "cli/plan_view.h"
#include "sql/pg_named_params.h"
#include "sql/pg_split.h"
#include "trellis/error.h"
#include "trellis/rollback.h"

namespace trellis::cli {
namespace {

enum class LintScope { kConflictsOnly, kAllRules };

// Down sections that PostgreSQL's parser cannot split, with file and line: rollback would
// refuse them before running anything. (SQLite's splitter accepts any text.)
void add_down_parse_findings(const Workspace& ws, std::vector<Finding>& findings) {
  if (dialect_of_url(ws.env().database) != Dialect::kPostgres) return;
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

std::vector<Finding> check_findings(const Workspace& ws, bool offline, LintScope scope) {
  StateIndex state;
  if (!offline) {
    auto driver = ws.connect(OpenMode::kReadOnly);
    state = StateIndex(driver->state().load_rows());
  }
  auto findings = release_list_findings(ws.project().config, ws.graph());
  for (auto& f : integrity_findings(ws.graph(), state)) findings.push_back(std::move(f));
  failures_as_errors(findings);
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
  LintSession session(ws.project(), ws.graph(), dialect_of_url(ws.env().database), &state);
  LintReport report = scope == LintScope::kAllRules ? session.run_with_downs() : session.run();
  for (auto& f : lint_check_findings(report, scope == LintScope::kAllRules)) findings.push_back(std::move(f));
  session.save_cache();
  return findings;
}

}  // namespace

Runner setup_check(CLI::App& sub, const Globals& g) {
  auto json = std::make_shared<bool>(false);
  auto offline = std::make_shared<bool>(false);
  auto with_lint = std::make_shared<bool>(false);
  sub.add_flag("--json", *json, "Machine-readable output (see docs/json.md)");
  sub.add_flag("--lint", *with_lint, "Also report the lint rules' findings (kind \"lint\"; see docs/lint-rules.md)");
  sub.add_flag("--offline", *offline, "Check the files only; do not read the database");
  sub.footer(
      "Loading the project already checks every file: directives, duplicate numbers, malformed "
      "ids, dangling requires and cycles (exit 2). Down sections that PostgreSQL cannot parse (kind "
      "\"parse\"). With a database, check also compares it with "
      "the files: edited applied migrations (checksums), applied migrations whose file is gone, "
      "pending migrations numbered below applied ones, failed or interrupted migrations. Always: "
      "release lists (features = [...]) naming a feature that does not exist; "
      "cross-feature conflicts between independent features (kind \"conflict\"). Exit 1 on errors. "
      "check always reads and hashes every file, never trusting the file cache in .trellis/.");
  return [&g, json, offline, with_lint]() {
    Workspace ws = g.workspace(FileCacheUse::kBypass);
    auto findings = check_findings(ws, *offline, *with_lint ? LintScope::kAllRules : LintScope::kConflictsOnly);
    bool errors = false;
    for (const auto& f : findings) errors = errors || f.severity == Severity::kError;
    const Output& out = Output::get();
    if (*json) {
      out.json({{"ok", !errors}, {"findings", findings_json(findings)}});
    } else {
      out.line(std::to_string(ws.graph().size()) + " migration(s) in " +
               std::to_string(ws.graph().features().size()) + " feature(s): files are well-formed, no cycles");
      print_findings(findings);
      out.line(errors ? out.paint(Style::kRed, "check failed") : out.paint(Style::kGreen, "check passed"));
    }
    return static_cast<int>(errors ? ExitCode::kFailed : ExitCode::kOk);
  };
}

}  // namespace trellis::cli
