#include "trellis/integrity.h"

#include <algorithm>
#include <optional>

#include "trellis/error.h"
#include "trellis/status.h"
#include "util/text.h"

namespace trellis {

Finding make_finding(std::string kind, Severity severity, std::string id, std::string file, int line,
                     std::string message) {
  Finding f = error_at(std::move(kind), std::move(file), line, std::move(message));
  f.severity = severity;
  f.id = std::move(id);
  return f;
}

std::string short_checksum(const std::string& checksum) { return checksum.substr(0, 12); }

void refuse_edited(const Graph& graph, const StateIndex& state) {
  std::string lines;
  for (const auto& f : integrity_findings(graph, state)) {
    if (f.code == "checksum-mismatch") lines += (lines.empty() ? "" : "\n") + f.message;
  }
  if (lines.empty()) return;
  throw Error(ErrorKind::kPlan, lines,
              "revert the file(s), or run 'trellis accept ID' to record the new checksum");
}

std::vector<Finding> integrity_findings(const Graph& graph, const StateIndex& state) {
  std::vector<Finding> out;
  const StateIndex::ByNode& rows = state.by_node(graph);
  for (Node i = 0; i < graph.size(); ++i) {
    const Migration& m = graph.at(i);
    const StateRow* row = rows.by_node[i];
    if (row == nullptr) continue;
    if (row->status == RecordStatus::kApplied) {
      if (row->checksum != m.checksum) {
        out.push_back(make_finding("checksum-mismatch", Severity::kError, m.id, m.path, 0,
                                   m.id + " was applied with checksum " +
                                       short_checksum(row->checksum) + " but its file now has " +
                                       short_checksum(m.checksum)));
      }
      if (!row->error.empty()) {  // a rollback that failed: the migration is still applied
        out.push_back(make_finding("rollback-failed", Severity::kWarning, m.id, m.path, 0,
                                   m.id + " is still applied: " + row->error));
      }
    } else {
      RecordedState rs = recorded_state(m, *row, state);
      const char* code = migration_state_name(rs.state);
      std::string message = rs.state == MigrationState::kFailed ? m.id + " failed: " + rs.detail
                                                                 : m.id + ": " + rs.detail;
      out.push_back(make_finding(code, Severity::kWarning, m.id, m.path, 0, message));
    }
  }
  for (const StateRow* row : rows.orphans) {  // sorted by id, for a stable report
    out.push_back(make_finding("missing-file", Severity::kError, row->id, "", 0,
                               row->id + " is recorded as " + record_status_name(row->status) +
                                   " but has no migration file"));
  }
  for (Node i = 0; i < graph.size(); ++i) {
    const Migration& m = graph.at(i);
    std::optional<Node> top = rows.top_applied[i];
    if (top && !state.applied(graph, i) && compare_numbers(graph.at(*top).number, m.number) > 0) {
      out.push_back(make_finding(
          "out-of-order", Severity::kError, m.id, m.path, 0,
          m.id + " is pending but numbered below applied " + graph.at(*top).short_id()));
    }
  }
  return out;
}

std::vector<Finding> release_list_findings(const Config& config, const Graph& graph) {
  std::vector<Finding> out;
  std::vector<std::string> features = graph.features();
  for (const auto& [name, env] : config.environments) {
    for (const auto& [feature, line] : env.feature_lines) {
      if (std::find(features.begin(), features.end(), feature) != features.end()) continue;
      std::string guess = closest_name(feature, features);
      out.push_back(make_finding(
          "unknown-feature", Severity::kError, "", config.config_path, line,
          config.config_path + ":" + std::to_string(line) + ": environment '" + name +
              "' releases feature '" + feature + "', which does not exist" +
              (guess.empty()
                   ? " (no migration files in " + config.migrations_dir + "/" + feature + "/)"
                   : "; did you mean \"" + guess + "\"?")));
    }
  }
  return out;
}

void failures_as_errors(std::vector<Finding>& findings) {
  for (auto& f : findings) {
    if (f.code == "failed" || f.code == "interrupted") f.severity = Severity::kError;
  }
}

}  // namespace trellis
