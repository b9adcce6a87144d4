// trellis/schema_check.h — for applications: "is the schema at least at X?"
//
// Migrations run as a deploy step, never inside application start-up. An application
// ships its migration files with its build, checks at start-up (read-only: never writes,
// never creates, never takes the runner lock) that the database has what that build
// needs, and refuses to serve (or degrades) when it does not:
//
//   trellis::SchemaCheck check = trellis::require_schema("/srv/app/db", "production");
//   if (!check.ok()) { std::fputs(check.explain().c_str(), stderr); return 1; }
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace trellis {

class Workspace;

struct RequireOptions {
  // What must be applied: migration ids ("billing/0003_totals" or "billing/0003") and
  // feature names ("billing": every migration of it this build has), each with
  // everything it depends on. Empty: every migration of the features released in the
  // environment, but for phase: contract ones (they only remove what older code used).
  std::vector<std::string> required;
  bool include_contract = false;  // with an empty `required`: contract migrations too
};

struct SchemaProblem {
  std::string id;
  // "not applied", "failed: <error>", "interrupted after 2 statement(s)", or "edited
  // since it was applied (checksum in the database 1a2b…, file 3c4d…)".
  std::string reason;
};

struct SchemaCheck {
  std::string environment;
  std::string database;  // password masked
  std::size_t required = 0;  // migrations checked
  std::vector<SchemaProblem> problems;

  bool ok() const { return problems.empty(); }
  // "schema of production (postgres://app:***@db/shop) is missing 2 of 14 required
  // migration(s):" and a line per problem; "schema ... has all 14 ..." when ok.
  std::string explain() const;
};

// Whether every required migration is applied in the environment's database with the
// checksum of its file (an edited applied file is not the schema this build knows).
// `env_or_url`: an environment of the project's trellis.toml; "" for the one the command
// line would pick (TRELLIS_ENV, default_env, the only one); else a database URL, checked
// with that environment's release list. Loads the project in
// `project_dir` (its files hashed, the file cache not used). Throws trellis::Error
// (kConfig, kParse, kGraph for the project; kUsage for an unknown required id or
// feature; kConnection when the database cannot be reached).
SchemaCheck require_schema(const std::string& project_dir, const std::string& env_or_url,
                           const RequireOptions& options = {});
// The same, on a loaded project.
SchemaCheck require_schema(const Workspace& ws, const RequireOptions& options = {});

}  // namespace trellis
