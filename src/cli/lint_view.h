// lint_view.h — lint results and cross-feature conflicts in plan and check output (the
// wiring is trellis/lint_session.h).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "trellis/lint_session.h"

namespace trellis::cli {

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
