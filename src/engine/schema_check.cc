#include "trellis/schema_check.h"

#include "trellis/error.h"
#include "trellis/integrity.h"
#include "trellis/workspace.h"

namespace trellis {
namespace {

// The nodes `options` asks for, with everything they depend on, as flags per node.
std::vector<bool> required_nodes(const Workspace& ws, const RequireOptions& options) {
  const Graph& g = ws.graph();
  std::vector<Node> asked;
  if (options.required.empty()) {
    for (Node n = 0; n < g.size(); ++n) {
      const Migration& m = g.at(n);
      if (ws.env().releases(m.feature) && (options.include_contract || m.phase != Phase::kContract)) {
        asked.push_back(n);
      }
    }
  }
  for (const auto& want : options.required) {
    if (want.find('/') == std::string::npos) {
      std::vector<Node> chain = g.feature_nodes(want);
      if (chain.empty()) {
        throw Error(ErrorKind::kUsage, "required feature '" + want + "' has no migrations in this project",
                    "name a feature directory under " + ws.project().config.migrations_dir + "/");
      }
      asked.insert(asked.end(), chain.begin(), chain.end());
      continue;
    }
    std::optional<Node> n = g.find(want);
    if (!n) {
      throw Error(ErrorKind::kUsage, "required migration '" + want + "' is not among this project's files",
                  "the application can only require migrations its build ships");
    }
    asked.push_back(*n);
  }
  std::vector<bool> required = g.ancestors(asked);
  for (Node n : asked) required[n] = true;
  return required;
}

// Why the database does not have `m` as its file says, or "" when it does.
std::string problem_of(const Migration& m, const StateRow* row) {
  if (row == nullptr) return "not applied";
  switch (row->status) {
    case RecordStatus::kFailed: return "failed: " + row->error;
    case RecordStatus::kRunning:
      return "interrupted after " + std::to_string(row->statements_done) + " statement(s)";
    case RecordStatus::kApplied: break;
  }
  if (row->checksum != m.checksum) {
    return "edited since it was applied (checksum in the database " + short_checksum(row->checksum) + ", file " +
           short_checksum(m.checksum) + ")";
  }
  return "";
}

}  // namespace

std::string SchemaCheck::explain() const {
  std::string where = "schema of " + environment + " (" + database + ")";
  if (ok()) return where + " has all " + std::to_string(required) + " required migration(s)\n";
  std::string out = where + " is missing " + std::to_string(problems.size()) + " of " + std::to_string(required) +
                    " required migration(s):\n";
  for (const auto& p : problems) out += "  " + p.id + ": " + p.reason + "\n";
  return out;
}

SchemaCheck require_schema(const Workspace& ws, const RequireOptions& options) {
  std::vector<bool> required = required_nodes(ws, options);
  auto driver = ws.connect(OpenMode::kReadOnly);
  StateIndex state(driver->state().load_rows());
  driver.reset();
  SchemaCheck check;
  check.environment = ws.env().name;
  check.database = mask_url(ws.env().database);
  const Graph& g = ws.graph();
  for (Node n = 0; n < g.size(); ++n) {
    if (!required[n]) continue;
    ++check.required;
    std::string why = problem_of(g.at(n), state.row(g, n));
    if (!why.empty()) check.problems.push_back({g.at(n).id, why});
  }
  return check;
}

SchemaCheck require_schema(const std::string& project_dir, const std::string& env_or_url,
                           const RequireOptions& options) {
  Config config = load_config(project_dir);
  EnvSelection selection;
  if (config.environments.count(env_or_url) > 0) selection.env_name = env_or_url;
  else selection.database_override = env_or_url;
  Workspace ws(project_dir, selection, FileCacheUse::kBypass);
  return require_schema(ws, options);
}

}  // namespace trellis
