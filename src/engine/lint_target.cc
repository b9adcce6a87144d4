// lint_target.cc — which dialect and PostgreSQL version `trellis lint` checks migrations
// for: the migrations of a project run on each of its environments, so PostgreSQL's rules
// apply as soon as one of them is PostgreSQL, whichever environment is selected.
#include "trellis/driver.h"
#include "trellis/error.h"
#include "trellis/lint_session.h"

namespace trellis {
namespace {

// An environment's database URL, its variables interpolated when they are set (as
// written otherwise: "${DATABASE_URL}").
std::string url_of(const Config& config, const std::string& name, const Environment& env) {
  try {
    return select_environment(config, EnvSelection{name, ""}).database;
  } catch (const Error&) {
    return env.database;
  }
}

}  // namespace

LintTarget lint_target(const Config& config, const std::string& selected_url) {
  LintTarget t;
  if (!config.lint.dialect.empty()) {
    t.dialect = config.lint.dialect == "sqlite" ? Dialect::kSqlite : Dialect::kPostgres;
    t.dialect_configured = true;
    t.why = "[lint] dialect";
    return t;
  }
  std::string unknown;
  int sqlite = 0;
  for (const auto& [name, env] : config.environments) {
    std::string url = url_of(config, name, env);
    std::string backend = backend_name(url);
    if (backend == "sqlite") {
      ++sqlite;
    } else if (!backend.empty()) {
      t.why = "environment " + name + " uses PostgreSQL";
      return t;
    } else if (unknown.empty()) {
      unknown = "environment " + name + "'s database (" + env.database + ") is not known to be SQLite";
    }
  }
  if (!selected_url.empty() && backend_name(selected_url) != "sqlite") {
    t.why = "the selected database is not SQLite";
    return t;
  }
  if (!unknown.empty()) {
    t.why = unknown;
    return t;
  }
  if (sqlite == 0 && selected_url.empty()) {
    t.why = "no environment names a database";
    return t;
  }
  t.dialect = Dialect::kSqlite;
  t.why = sqlite > 1 ? "every environment uses SQLite" : "the project's database is SQLite";
  return t;
}

int lint_postgres_version(const Config& config, std::optional<int> server, std::string& why) {
  if (config.lint.postgres_version > 0) {
    why = "[lint] postgres_version";
    return config.lint.postgres_version;
  }
  if (server && *server > 0) {
    why = "the server's version";
    return *server;
  }
  why = "version unknown, so rules assume 12 or later; [lint] postgres_version sets it";
  return 0;
}

}  // namespace trellis
