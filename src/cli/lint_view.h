// lint_view.h — lint wiring shared by lint, plan and check: lint options from the
// project, its graph and the database state; the analysis cache; lint results and
// cross-feature conflicts in plan and check output.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "trellis/integrity.h"
#include "trellis/lint.h"
#include "trellis/plan.h"
#include "trellis/project.h"
#include "trellis/workspace.h"

namespace trellis::cli {

// Lints a project through its analysis cache (`<root>/.trellis`). `state` (may be null:
// no database, nothing applied) and `graph` must outlive the session.
class LintSession {
 public:
  LintSession(const Project& project, const Graph& graph, Dialect dialect, const StateIndex* state);
  ~LintSession();

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
PlanLint lint_plan(const Workspace& ws, const Plan& plan, const StateIndex& state);

// plan: per pending migration its strongest lock and lint findings; conflicts.
nlohmann::json lock_json(const TableLock& lock);
nlohmann::json lint_findings_json(const std::vector<LintFinding>& findings);
nlohmann::json conflicts_json(const LintReport& report);
// "ACCESS EXCLUSIVE on invoices", "-" when none.
std::string lock_text(const TableLock& lock);
// "1 error, 2 warnings", "ok" when none.
std::string lint_counts_text(const std::vector<LintFinding>& findings);
// Indented lines: "  billing/0002_x:4: error[rule]: message".
void print_lint_findings(const std::vector<LintFinding>& findings);
void print_conflicts(const LintReport& report);

}  // namespace trellis::cli
