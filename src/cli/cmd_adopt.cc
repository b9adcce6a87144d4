#include "cli/commands.h"
#include "cli/output.h"
#include "trellis/adopt.h"
#include "trellis/import.h"

namespace trellis::cli {

Runner setup_adopt(CLI::App& sub, const Globals& g) {
  auto tool = std::make_shared<std::string>();
  auto dry = std::make_shared<bool>(false);
  auto json = std::make_shared<bool>(false);
  sub.add_option("--from", *tool, "The tool that migrated this database")
      ->required()
      ->check(CLI::IsMember({"golang-migrate", "dbmate", "goose", "flyway", "sqitch", "diesel", "alembic"}));
  sub.add_flag("--dry-run", *dry, "Show exactly what would be recorded; record nothing");
  sub.add_flag("--json", *json, "Machine-readable output");
  sub.footer("Reads the tool's history table (never writes it), maps each applied version through "
             ".trellis-import.toml (written by trellis import) and records those migrations as applied, "
             "without running them, in one transaction, logged as 'adopt'.");
  return [&g, tool, dry, json]() {
    Workspace ws = g.workspace();
    AdoptReport r = adopt_database(ws, *tool, *dry);
    const Output& out = Output::get();
    if (*json) {
      nlohmann::json arr = nlohmann::json::array();
      for (std::size_t i = 0; i < r.nodes.size(); ++i) {
        arr.push_back({{"id", ws.graph().at(r.nodes[i]).id}, {"source_version", r.source_versions[i]}});
      }
      out.json({{"adopted", arr}, {"already_applied", r.already}, {"dry_run", *dry}, {"history_table", r.history_table}});
      return 0;
    }
    out.line(std::string(*dry ? "Would record " : "Recorded ") + std::to_string(r.nodes.size()) +
             " migration(s) as applied, from " + r.tool + "'s " + r.history_table + ", without running them, in " +
             r.target + ":");
    for (std::size_t i = 0; i < r.nodes.size(); ++i) {
      const Migration& m = ws.graph().at(r.nodes[i]);
      out.line("  " + m.id + "  <- " + r.source_versions[i] + "  checksum " + m.checksum.substr(0, 12));
    }
    if (!r.already.empty()) out.line(std::to_string(r.already.size()) + " already recorded by Trellis: left as they are");
    return 0;
  };
}

}  // namespace trellis::cli
