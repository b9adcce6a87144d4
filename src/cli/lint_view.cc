#include "cli/lint_view.h"

#include "cli/diagnostic_view.h"
#include "cli/output.h"
#include "trellis/error.h"
#include "trellis/graph.h"

namespace trellis::cli {

nlohmann::json lock_json(const TableLock& lock) {
  if (lock.level == LockLevel::kNone) return {{"table", nullptr}, {"level", nullptr}, {"blocks", nullptr}};
  return {{"table", lock.table}, {"level", lock_name(lock.level)}, {"blocks", lock_effect(lock.level)}};
}

nlohmann::json lint_findings_json(const std::vector<LintFinding>& findings) {
  using report::Field;
  return json_array(findings, {{Field::kCode, "rule"}, {Field::kSeverity, "severity"}, {Field::kFile, "file"},
                               {Field::kLine, "line"}, {Field::kColumn, "col"}, {Field::kMessage, "message"},
                               {Field::kHint, "help"}});
}

nlohmann::json conflicts_json(const LintReport& report) {
  using report::Field;
  std::vector<LintFinding> conflicts;
  for (const auto& f : report.findings) {
    if (is_conflict(f)) conflicts.push_back(f);
  }
  return json_array(conflicts, {{Field::kCode, "rule"}, {Field::kSeverity, "severity"}, {Field::kId, "id"},
                                {Field::kFile, "file"}, {Field::kLine, "line"}, {Field::kMessage, "message"},
                                {Field::kHint, "help"}});
}

std::string lock_text(const TableLock& lock) {
  if (lock.level == LockLevel::kNone) return "-";
  return std::string(lock_name(lock.level)) + (lock.table.empty() ? "" : " on " + lock.table);
}

std::string lint_counts_text(const std::vector<LintFinding>& findings) {
  int errors = 0, warnings = 0;
  for (const auto& f : findings) (f.severity == Severity::kError ? errors : warnings)++;
  if (errors == 0 && warnings == 0) return "ok";
  auto plural = [](int n, const char* word) { return std::to_string(n) + " " + word + (n == 1 ? "" : "s"); };
  return plural(errors, "error") + ", " + plural(warnings, "warning");
}

void print_lint_findings(const std::vector<LintFinding>& findings) {
  for (const auto& f : findings) print_coded(f);
}

void print_conflicts(const LintReport& report) {
  std::vector<LintFinding> conflicts;
  for (const auto& f : report.findings) {
    if (is_conflict(f)) conflicts.push_back(f);
  }
  if (conflicts.empty()) return;
  const Output& out = Output::get();
  out.line();
  out.line(out.paint(Style::kBold, "Cross-feature conflicts (" + std::to_string(conflicts.size()) + "):"));
  print_lint_findings(conflicts);
}

}  // namespace trellis::cli
