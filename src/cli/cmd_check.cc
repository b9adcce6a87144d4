#include "cli/commands.h"
#include "cli/output.h"
#include "cli/plan_view.h"
#include "trellis/check.h"
#include "trellis/error.h"

namespace trellis::cli {

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
    CheckReport report = check_project(ws, CheckOptions{*offline, *with_lint});
    const std::vector<Finding>& findings = report.findings;
    bool errors = !report.ok();
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
