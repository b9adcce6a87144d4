#include "trellis/integrity.h"

#include <algorithm>
#include <unordered_map>

#include "trellis/error.h"

namespace trellis {

std::string short_checksum(const std::string& checksum) { return checksum.substr(0, 12); }

void refuse_edited(const Graph& graph, const StateIndex& state) {
  std::string lines;
  for (const auto& f : integrity_findings(graph, state)) {
    if (f.kind == "checksum-mismatch") lines += (lines.empty() ? "" : "\n") + f.message;
  }
  if (lines.empty()) return;
  throw Error(ErrorKind::kPlan, lines,
              "revert the file(s), or run 'trellis accept ID' to record the new checksum");
}

std::vector<Finding> integrity_findings(const Graph& graph, const StateIndex& state) {
  std::vector<Finding> out;
  std::unordered_map<std::string, std::string> highest;  // feature -> highest applied number
  for (Node i = 0; i < graph.size(); ++i) {
    const Migration& m = graph.at(i);
    const StateRow* row = state.find(m.id);
    if (row == nullptr) continue;
    if (row->status == RecordStatus::kApplied) {
      auto& top = highest[m.feature];
      if (top.empty() || compare_numbers(m.number, top) > 0) top = m.number;
      if (row->checksum != m.checksum) {
        out.push_back({"checksum-mismatch", Severity::kError, m.id, m.path, 0,
                       m.id + " was applied with checksum " + short_checksum(row->checksum) +
                           " but its file now has " + short_checksum(m.checksum)});
      }
    } else if (row->status == RecordStatus::kFailed) {
      out.push_back({"failed", Severity::kWarning, m.id, m.path, 0, m.id + " failed: " + row->error});
    } else {
      out.push_back({"interrupted", Severity::kWarning, m.id, m.path, 0,
                     m.id + " (non-transactional) was interrupted after " +
                         std::to_string(row->statements_done) + " statement(s); apply resumes it"});
    }
  }
  // Rows come in the database's order: sort by id for a stable report.
  std::vector<const StateRow*> orphans;
  for (const auto& row : state.rows()) {
    if (!graph.find(row.id)) orphans.push_back(&row);
  }
  std::sort(orphans.begin(), orphans.end(), [](const StateRow* a, const StateRow* b) { return a->id < b->id; });
  for (const StateRow* row : orphans) {
    out.push_back({"missing-file", Severity::kError, row->id, "", 0,
                   row->id + " is recorded as " + record_status_name(row->status) +
                       " but has no migration file"});
  }
  for (Node i = 0; i < graph.size(); ++i) {
    const Migration& m = graph.at(i);
    auto it = highest.find(m.feature);
    if (!state.applied(m.id) && it != highest.end() && compare_numbers(it->second, m.number) > 0) {
      out.push_back({"out-of-order", Severity::kError, m.id, m.path, 0,
                     m.id + " is pending but numbered below applied " + m.feature + "/" + it->second});
    }
  }
  return out;
}

}  // namespace trellis
