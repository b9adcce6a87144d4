// trellis/lint_session.h — lint wired to a project: options from trellis.toml, its graph
// and the database state, through the analysis cache; what lint, plan, check and
// rollback ask of the linter.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "trellis/integrity.h"
#include "trellis/lint.h"
#include "trellis/plan.h"
#include "trellis/project.h"
#include "trellis/workspace.h"

namespace trellis {

// Lints a project through its analysis cache (`<root>/.trellis`). `state` (may be null:
// no database, nothing applied) and `graph` must outlive the session.
class LintSession {
 public:
  LintSession(const Project& project, const Graph& graph, Dialect dialect, const StateIndex* state);
  ~LintSession();

  // Replaces the state's answer to "is this migration applied?" (lint without a database:
  // the migrations outside the linted set, or all others, count as applied).
  void assume_applied(std::function<bool(const std::string& id)> is_applied);
  // The PostgreSQL major version the rules follow (0: unknown); [lint] postgres_version
  // until set.
  void set_postgres_version(int major);

  // Lints every migration; `only` restricts whose findings are reported (ids).
  LintReport run(const std::vector<std::string>& only = {});
  // run() and the down sections' findings (lint_downs), sorted together.
  LintReport run_with_downs(const std::vector<std::string>& only = {});
  // The down sections' findings only.
  LintReport run_downs(const std::vector<std::string>& only);
  const MigrationAnalysis& analysis(const Migration& m);
  // Writes the cache; a read-only checkout still lints, so failures are ignored.
  void save_cache();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Whether a finding is a cross-feature conflict (conflict-*, missing-requires).
bool is_conflict(const LintFinding& f);

// Lint findings as check findings: kind "conflict" or "lint", message "rule: text".
std::vector<Finding> lint_check_findings(const LintReport& report, bool include_lint);

// What plan shows of the lint: per pending migration its strongest lock and findings,
// and the conflicts among all of the project's migrations.
struct PlanLint {
  std::map<std::string, MigrationLintSummary> pending;  // by id
  LintReport report;                                    // every finding of the project
};
// `server_version`: the database's PostgreSQL major version, which the version rules follow
// unless [lint] postgres_version sets one (as for `trellis lint`).
PlanLint lint_plan(const Workspace& ws, const Plan& plan, const StateIndex& state,
                   std::optional<int> server_version = std::nullopt);

// The dialect whose rules apply to an environment's database.
Dialect dialect_of(const Workspace& ws);

// What `trellis lint` checks the migrations for, and why.
struct LintTarget {
  Dialect dialect = Dialect::kPostgres;
  bool dialect_configured = false;  // [lint] dialect chose it
  std::string why;                  // "environment staging uses PostgreSQL", "[lint] dialect", …
};
// [lint] dialect when set; else PostgreSQL when any environment of `config`, or the
// selected database `selected_url` ("" for none), is PostgreSQL or not known to be SQLite
// (a variable that is unset); else SQLite when every one is; PostgreSQL when there are
// none.
LintTarget lint_target(const Config& config, const std::string& selected_url);

// The PostgreSQL major version lint follows: [lint] postgres_version, else `server`'s
// (the one lint read, nullopt when none), else 0 (unknown); `why` says which.
int lint_postgres_version(const Config& config, std::optional<int> server, std::string& why);

}  // namespace trellis
