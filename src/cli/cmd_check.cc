#include "cli/commands.h"
#include "cli/drift_view.h"
#include "cli/output.h"
#include "cli/plan_view.h"
#include "trellis/check.h"
#include "trellis/error.h"

namespace trellis::cli {

Runner setup_check(CLI::App& sub, const Globals& g) {
  auto json = std::make_shared<bool>(false);
  auto offline = std::make_shared<bool>(false);
  auto with_lint = std::make_shared<bool>(false);
  auto no_drift = std::make_shared<bool>(false);
  auto scratch = std::make_shared<std::string>();
  sub.add_flag("--json", *json, "Machine-readable output (see docs/json.md)");
  sub.add_flag("--lint", *with_lint, "Also report the lint rules' findings (kind \"lint\"; see docs/lint-rules.md)");
  sub.add_flag("--offline", *offline, "Check the files only; do not read the database");
  sub.add_option("--scratch", *scratch,
                 "Replay the applied migrations on a database of this server (a URL of the database's backend) "
                 "instead of one made on the live database's server; overrides scratch_database in trellis.toml")
      ->type_name("URL");
  sub.add_flag("--no-drift", *no_drift, "Do not compare the live schema with the applied migrations");
  sub.footer(
      "Loading the project already checks every file: directives, duplicate numbers, malformed "
      "ids, dangling requires and cycles (exit 2). Down sections that PostgreSQL cannot parse (kind "
      "\"parse\"). With a database, check also compares it with "
      "the files: edited applied migrations (checksums), applied migrations whose file is gone, "
      "pending migrations numbered below applied ones, failed or interrupted migrations. Always: "
      "release lists (features = [...]) naming a feature that does not exist; "
      "cross-feature conflicts between independent features (kind \"conflict\"). Exit 1 on errors. "
      "check always reads and hashes every file, never trusting the file cache in .trellis/.\n\n"
      "Schema drift (kind \"drift\"): the applied migrations are replayed, in the order the database "
      "recorded them, on a scratch database (SQLite: in memory; PostgreSQL: CREATE DATABASE on the same "
      "server, dropped afterwards, or --scratch / scratch_database for a role without CREATEDB), and "
      "the schema they make is compared with the live one, object by object: \"column users.email: "
      "missing in the database\", \"table rogue: not created by any migration\". Nothing is written to "
      "the live database. The replayed schema is cached in .trellis/ by the applied migrations' ids, "
      "checksums and order, so the next check only reads the live schema. [drift] ignore in "
      "trellis.toml leaves objects out (\"table:audit_*\"). A migration that fails on the scratch "
      "database is an error (kind \"replay-failed\", exit 1); no scratch database to be had, exit 3.");
  return [&g, json, offline, with_lint, no_drift, scratch]() {
    Workspace ws = g.workspace(FileCacheUse::kBypass);
    CheckOptions options;
    options.offline = *offline;
    options.lint = *with_lint;
    options.drift = !*no_drift;
    options.scratch_url = *scratch;
    CheckReport report = check_project(ws, options);
    const std::vector<Finding>& findings = report.findings;
    bool errors = !report.ok();
    const Output& out = Output::get();
    if (*json) {
      nlohmann::json doc = {{"ok", !errors}, {"findings", findings_json(findings)}};
      doc["drift"] = report.drift ? drift_json(*report.drift) : nlohmann::json(nullptr);
      out.json(doc);
    } else {
      out.line(std::to_string(ws.graph().size()) + " migration(s) in " +
               std::to_string(ws.graph().features().size()) + " feature(s): files are well-formed, no cycles");
      print_findings(findings);
      if (report.drift) print_drift(*report.drift, findings);
      out.line(errors ? out.paint(Style::kRed, "check failed") : out.paint(Style::kGreen, "check passed"));
    }
    return static_cast<int>(errors ? ExitCode::kFailed : ExitCode::kOk);
  };
}

}  // namespace trellis::cli
