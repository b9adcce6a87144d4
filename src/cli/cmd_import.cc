#include "cli/commands.h"
#include "cli/output.h"
#include "trellis/import.h"
#include "util/text.h"

namespace trellis::cli {

Runner setup_import(CLI::App& sub, const Globals& g) {
  auto o = std::make_shared<ImportOptions>();
  auto json = std::make_shared<bool>(false);
  sub.add_option("--from", o->tool, "The tool the migrations are written for")
      ->required()
      ->check(CLI::IsMember(import_tool_names()));
  sub.add_option("DIR", o->source_dir, "The other tool's migrations directory (Sqitch: the one with sqitch.plan)")
      ->required();
  sub.add_option("--feature", o->feature, "The feature a linear history becomes (default core)");
  sub.add_option("--split-by", o->split_by,
                 "Sqitch: 'requires' makes one feature of each group of changes connected through their "
                 "requires (named after its first change) instead of one feature")
      ->check(CLI::IsMember({"requires"}));
  sub.add_flag("--dry-run", o->dry_run, "Check and show what would be written; write nothing");
  sub.add_flag("--json", *json, "Machine-readable output");
  sub.footer("The SQL is kept byte for byte; docs/import.md has each tool's rules (order, transactions, what "
             "is not carried over). Everything is written at once at the end, or nothing (exit 2 for a "
             "malformed source, each problem as file:line).");
  return [&g, o, json]() {
    o->project_dir = g.dir;
    ImportReport r = import_migrations(*o);
    const Output& out = Output::get();
    if (*json) {
      nlohmann::json migrations = nlohmann::json::array();
      for (const auto& m : r.migrations) {
        migrations.push_back({{"id", m.id}, {"path", m.path}, {"source_version", m.source_version},
                              {"source_files", m.source_files}, {"requires", m.requires_ids},
                              {"up_in_transaction", m.up_in_transaction},
                              {"down_in_transaction", m.down_in_transaction}, {"has_down", m.has_down},
                              {"notes", m.notes}});
      }
      out.json({{"tool", r.tool}, {"dry_run", o->dry_run}, {"features", r.features}, {"migrations", migrations},
                {"tags", r.tags}, {"warnings", r.warnings}, {"written", r.written}, {"manifest", r.manifest}});
      return 0;
    }
    out.line(std::string(o->dry_run ? "Would import " : "Imported ") + std::to_string(r.migrations.size()) +
             " migration(s) from " + r.tool + " into feature(s) " + join(r.features, ", ") + ":");
    for (const auto& m : r.migrations) {
      std::string extra;
      if (!m.up_in_transaction || !m.down_in_transaction) extra += "  outside a transaction";
      if (!m.has_down) extra += "  forward-only";
      out.line("  " + m.id + "  <- " + join(m.source_files, ", ") + extra);
    }
    for (const auto& t : r.tags) out.line("  tag " + t);
    for (const auto& w : r.warnings) out.err("trellis: warning: " + w);
    out.line(std::string(o->dry_run ? "Would write " : "Wrote ") + r.manifest +
             " (which Trellis id came from which source version)");
    return 0;
  };
}

}  // namespace trellis::cli
