#include "cli/commands.h"
#include "cli/output.h"

namespace trellis::cli {
namespace {

// Events that ran SQL and so took a time; a stamp, an accept or a start took none.
bool ran(const std::string& action) {
  return action == "apply" || action == "fail" || action == "rollback" || action == "rollback-failed";
}

}  // namespace

Runner setup_history(CLI::App& sub, const Globals& g) {
  auto json = std::make_shared<bool>(false);
  auto limit = std::make_shared<int>(0);
  sub.add_flag("--json", *json, "Machine-readable output (see docs/json.md)");
  sub.add_option("--limit", *limit, "Only the last N events (N >= 1)")->type_name("N")->check(CLI::Range(1, 1000000000).description(""), "at least 1");
  return [&g, json, limit]() {
    Workspace ws = g.workspace();
    auto driver = ws.connect(OpenMode::kReadOnly);
    auto events = driver->state().load_history();
    if (*limit > 0 && events.size() > static_cast<std::size_t>(*limit)) {
      events.erase(events.begin(), events.end() - *limit);
    }
    const Output& out = Output::get();
    if (*json) {
      nlohmann::json arr = nlohmann::json::array();
      for (const auto& e : events) {
        arr.push_back({{"seq", e.seq}, {"id", e.id}, {"action", e.action}, {"at", e.at},
                       {"duration_ms", ran(e.action) ? nlohmann::json(e.duration_ms) : nlohmann::json(nullptr)},
                       {"error", string_or_null(e.error)}, {"by", string_or_null(e.by)},
                       {"tool_version", string_or_null(e.tool_version)}, {"checksum", string_or_null(e.checksum)}});
      }
      out.json({{"events", arr}});
      return 0;
    }
    if (events.empty()) {
      out.line("No history yet in " + mask_url(ws.env().database));
      return 0;
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& e : events) {
      std::string state = e.action == "apply" ? "applied" : e.action == "fail" ? "failed" : "";
      rows.push_back({e.at, out.paint(style_for_state(state), e.action), e.id,
                      std::to_string(e.duration_ms) + " ms", e.by, e.error});
    }
    out.table({"when (UTC)", "action", "migration", "took", "by", "error"}, rows);
    return 0;
  };
}

}  // namespace trellis::cli
