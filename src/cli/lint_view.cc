#include "cli/lint_view.h"

#include "cli/output.h"
#include "trellis/error.h"
#include "trellis/graph.h"

namespace trellis::cli {

nlohmann::json lock_json(const TableLock& lock) {
  if (lock.level == LockLevel::kNone) return {{"table", nullptr}, {"level", nullptr}, {"blocks", nullptr}};
  return {{"table", lock.table}, {"level", lock_name(lock.level)}, {"blocks", lock_effect(lock.level)}};
}

nlohmann::json lint_findings_json(const std::vector<LintFinding>& findings) {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& f : findings) {
    arr.push_back({{"rule", f.rule},
                   {"severity", severity_name(f.severity)},
                   {"file", f.file},
                   {"line", f.line},
                   {"col", f.col},
                   {"message", f.message},
                   {"help", f.help}});
  }
  return arr;
}

nlohmann::json conflicts_json(const LintReport& report) {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& f : report.findings) {
    if (!is_conflict(f)) continue;
    arr.push_back({{"rule", f.rule},
                   {"severity", severity_name(f.severity)},
                   {"id", f.migration_id},
                   {"file", f.file},
                   {"line", f.line},
                   {"message", f.message},
                   {"help", f.help}});
  }
  return arr;
}

std::string lock_text(const TableLock& lock) {
  if (lock.level == LockLevel::kNone) return "-";
  return std::string(lock_name(lock.level)) + (lock.table.empty() ? "" : " on " + lock.table);
}

std::string lint_counts_text(const std::vector<LintFinding>& findings) {
  int errors = 0, warnings = 0;
  for (const auto& f : findings) (f.severity == LintSeverity::kError ? errors : warnings)++;
  if (errors == 0 && warnings == 0) return "ok";
  auto plural = [](int n, const char* word) { return std::to_string(n) + " " + word + (n == 1 ? "" : "s"); };
  return plural(errors, "error") + ", " + plural(warnings, "warning");
}

namespace {
void print_finding(const LintFinding& f) {
  const Output& out = Output::get();
  bool error = f.severity == LintSeverity::kError;
  std::string label = std::string(severity_name(f.severity)) + "[" + f.rule + "]";
  out.line("  " + f.file + ":" + std::to_string(f.line) + ": " +
           out.paint(error ? Style::kRed : Style::kYellow, label) + ": " + f.message);
  if (!f.help.empty()) out.line("    help: " + f.help);
}
}  // namespace

void print_lint_findings(const std::vector<LintFinding>& findings) {
  for (const auto& f : findings) print_finding(f);
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
