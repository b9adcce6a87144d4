// lint_format.cc — LintReport as text, JSON, SARIF 2.1.0 and GitHub workflow commands, through
// the Diagnostic formats of report/formats.h.
#include <map>

#include "report/formats.h"
#include "trellis/error.h"
#include "trellis/lint.h"

namespace trellis {
namespace {

using report::Field;

std::string text(const LintReport& r) {
  std::string out;
  for (const auto& f : r.findings) out += report::compact_text(f);
  out += std::to_string(r.errors()) + " error(s), " + std::to_string(r.warnings()) + " warning(s)\n";
  return out;
}

std::string json(const LintReport& r) {
  nlohmann::ordered_json doc;
  doc["ok"] = r.ok();
  doc["errors"] = r.errors();
  doc["warnings"] = r.warnings();
  doc["assumption"] = r.assumption.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(r.assumption);
  doc["dialect"] = dialect_name(r.dialect);
  doc["postgres_version"] = r.postgres_version > 0 ? nlohmann::ordered_json(r.postgres_version) : nlohmann::ordered_json(nullptr);
  doc["findings"] = nlohmann::ordered_json::array();
  for (const auto& f : r.findings) {
    doc["findings"].push_back(report::json_object(f, {{Field::kCode, "rule"},
                                                      {Field::kSeverity, "severity"},
                                                      {Field::kFile, "file"},
                                                      {Field::kLine, "line"},
                                                      {Field::kColumn, "col"},
                                                      {Field::kMessage, "message"},
                                                      {Field::kHint, "help"},
                                                      {Field::kId, "id"}}));
  }
  return doc.dump(2) + "\n";
}

std::string sarif(const LintReport& r) {
  std::vector<report::SarifRule> rules;
  for (const auto& info : lint_rules()) {
    rules.push_back({info.id, info.summary, std::string("see docs/lint-rules.md, rule ") + info.id,
                     info.default_severity == LintSeverity::kError ? Severity::kError : Severity::kWarning,
                     std::string("docs/lint-rules.md#") + info.id});
  }
  return report::sarif(r.findings, rules);
}

}  // namespace

LintFormat parse_lint_format(const std::string& name) {
  if (name == "text") return LintFormat::kText;
  if (name == "json") return LintFormat::kJson;
  if (name == "sarif") return LintFormat::kSarif;
  if (name == "github") return LintFormat::kGithub;
  throw Error(ErrorKind::kUsage, "unknown lint format '" + name + "'", "use one of: text, json, sarif, github");
}

std::string format_report(const LintReport& report, LintFormat format) {
  switch (format) {
    case LintFormat::kText: return text(report);
    case LintFormat::kJson: return json(report);
    case LintFormat::kSarif: return sarif(report);
    case LintFormat::kGithub: return report::github_annotations(report.findings);
  }
  return text(report);
}

std::vector<MigrationLintSummary> summarise_for_plan(const std::vector<Migration>& migrations,
                                                     const LintReport& report,
                                                     const AnalysisLookup& analysis,
                                                     const std::vector<std::string>& ids) {
  std::map<std::string, const Migration*> by_id;
  for (const auto& m : migrations) by_id[m.id] = &m;
  std::map<std::string, std::vector<LintFinding>> findings;
  for (const auto& f : report.findings) findings[f.id].push_back(f);
  std::vector<MigrationLintSummary> out;
  for (const auto& id : ids) {
    MigrationLintSummary s;
    s.id = id;
    auto it = by_id.find(id);
    if (it != by_id.end()) {
      s.strongest_lock = analysis ? analysis(*it->second).strongest_lock()
                                  : analyse_migration(*it->second).strongest_lock();
    }
    s.findings = findings[id];
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace trellis
