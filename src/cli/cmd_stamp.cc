#include "cli/accept_diff.h"
#include "cli/commands.h"
#include "cli/confirm.h"
#include "cli/output.h"
#include "trellis/error.h"
#include "trellis/plan.h"
#include "trellis/stamp.h"

namespace trellis::cli {

namespace {

// stamp --all without --yes: what it would record, then the question (or exit 2 without
// a terminal). Nothing to record is not asked about.
void confirm_stamp_all(const Workspace& ws, bool json) {
  StampReport would = stamp_migrations(ws, {}, true, true);
  if (would.nodes.empty()) return;
  const Output& out = Output::get();
  if (!json) {
    out.line(out.paint(Style::kBold, "stamp --all would record " + std::to_string(would.nodes.size()) +
                                         " migration(s) as applied, without running them, in " + would.target + ":"));
    for (Node n : would.nodes) out.line("  " + ws.graph().at(n).id);
  }
  Consent consent{false, false};
  consent.require_answerable("stamp --all");
  if (!consent.ask("Record " + std::to_string(would.nodes.size()) + " migration(s) as applied in " + would.target + "?")) {
    throw Error(ErrorKind::kUsage, "not confirmed: nothing was recorded", "pass --yes to record without asking");
  }
}

}  // namespace

Runner setup_stamp(CLI::App& sub, const Globals& g) {
  auto ids = std::make_shared<std::vector<std::string>>();
  auto all = std::make_shared<bool>(false);
  auto json = std::make_shared<bool>(false);
  auto dry = std::make_shared<bool>(false);
  auto yes = std::make_shared<bool>(false);
  sub.add_option("ID", *ids, "Migrations to record as applied (their unapplied dependencies come along)");
  sub.add_flag("--all", *all, "Every migration of the released features");
  sub.add_flag("--dry-run", *dry, "Show what would be recorded; record nothing");
  sub.add_flag("--json", *json, "Machine-readable output");
  sub.add_flag("-y,--yes", *yes, "With --all: record without asking (for scripts; without a terminal it is required)");
  sub.footer("stamp --all shows what it would record and asks on a terminal; without one it needs --yes "
             "(exit 2, nothing recorded).");
  return [&g, ids, all, json, dry, yes]() {
    if (ids->empty() == !*all) throw Error(ErrorKind::kUsage, "stamp needs migration ids or --all (not both)");
    Workspace ws = g.workspace();
    if (*all && !*dry && !*yes) confirm_stamp_all(ws, *json);
    StampReport r = stamp_migrations(ws, *ids, *all, *dry);
    const std::vector<Node>& nodes = r.nodes;
    const Output& out = Output::get();
    if (*json) {
      nlohmann::json arr = nlohmann::json::array();
      for (Node n : nodes) arr.push_back(ws.graph().at(n).id);
      out.json({{"stamped", arr}, {"dry_run", *dry}});
      return 0;
    }
    if (nodes.empty()) {
      out.line("Nothing to record: every migration asked for is already applied in " + r.target);
      return 0;
    }
    out.line((*dry ? "Would record " : "Recorded ") + std::to_string(nodes.size()) +
             " migration(s) as applied, without running them, in " + r.target + ":");
    std::vector<std::vector<std::string>> rows;
    for (Node n : nodes) {
      const Migration& m = ws.graph().at(n);
      rows.push_back({m.id, m.checksum.substr(0, 12), phase_name(m.phase)});
    }
    out.table({"migration", "checksum", "phase"}, rows);
    return 0;
  };
}

Runner setup_accept(CLI::App& sub, const Globals& g) {
  auto ids = std::make_shared<std::vector<std::string>>();
  auto all = std::make_shared<bool>(false);
  sub.add_option("ID", *ids, "Edited applied migrations whose new file content you accept");
  sub.add_flag("--all", *all, "Every edited applied migration");
  auto no_diff = std::make_shared<bool>(false);
  sub.add_flag("--no-diff", *no_diff, "Do not show what changed in each file");
  sub.footer(
      "Records each file's current checksum as the applied one; nothing is run. Shows what changed in each "
      "file: a unified diff against the content that was applied, found in git history by its checksum (the "
      "database keeps only the checksum), or a line saying it is in no commit.");
  return [&g, ids, all, no_diff]() {
    if (ids->empty() == !*all) throw Error(ErrorKind::kUsage, "accept needs migration ids or --all (not both)");
    Workspace ws = g.workspace();
    AcceptReport r = accept_edited(ws, *ids, *all);
    const std::vector<Node>& nodes = r.nodes;
    const Output& out = Output::get();
    out.line("Accepted the current file of " + std::to_string(nodes.size()) + " migration(s); nothing was run:");
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      const Migration& m = ws.graph().at(nodes[i]);
      out.line("  " + m.id + "  " + r.recorded_checksums[i].substr(0, 12) + " -> " + m.checksum.substr(0, 12));
      if (!*no_diff) show_accepted_diff(ws.project().config.root, m, r.recorded_checksums[i]);
    }
    return 0;
  };
}

}  // namespace trellis::cli
