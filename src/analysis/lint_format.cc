// lint_format.cc — LintReport as text, JSON, SARIF 2.1.0 and GitHub workflow commands.
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "trellis/error.h"
#include "trellis/lint.h"

namespace trellis {
namespace {

using Json = nlohmann::ordered_json;

std::string text(const LintReport& r) {
  std::string out;
  for (const auto& f : r.findings) {
    out += f.file + ":" + std::to_string(f.line) + ":" + std::to_string(f.col) + ": " +
           severity_name(f.severity) + "[" + f.rule + "]: " + f.message + "\n";
    if (!f.help.empty()) out += "  help: " + f.help + "\n";
  }
  out += std::to_string(r.errors()) + " error(s), " + std::to_string(r.warnings()) + " warning(s)\n";
  return out;
}

std::string json(const LintReport& r) {
  Json doc;
  doc["ok"] = r.ok();
  doc["errors"] = r.errors();
  doc["warnings"] = r.warnings();
  doc["findings"] = Json::array();
  for (const auto& f : r.findings) {
    doc["findings"].push_back({{"rule", f.rule}, {"severity", severity_name(f.severity)}, {"file", f.file},
                               {"line", f.line}, {"col", f.col}, {"message", f.message}, {"help", f.help},
                               {"id", f.migration_id}});
  }
  return doc.dump(2) + "\n";
}

std::string sarif(const LintReport& r) {
  Json rules = Json::array();
  for (const auto& info : lint_rules()) {
    rules.push_back({{"id", info.id},
                     {"shortDescription", {{"text", info.summary}}},
                     {"help", {{"text", std::string("see docs/lint-rules.md, rule ") + info.id}}},
                     {"defaultConfiguration", {{"level", info.default_severity == LintSeverity::kError ? "error" : "warning"}}}});
  }
  Json results = Json::array();
  for (const auto& f : r.findings) {
    Json region = {{"startLine", std::max(1, f.line)}};
    if (f.col > 0) region["startColumn"] = f.col;
    results.push_back({{"ruleId", f.rule},
                       {"level", f.severity == LintSeverity::kError ? "error" : "warning"},
                       {"message", {{"text", f.help.empty() ? f.message : f.message + "\nhelp: " + f.help}}},
                       {"locations", Json::array({{{"physicalLocation",
                                                    {{"artifactLocation", {{"uri", f.file}}}, {"region", region}}}}})}});
  }
  Json doc = {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
              {"version", "2.1.0"},
              {"runs", Json::array({{{"tool", {{"driver", {{"name", "trellis"},
                                                         {"version", TRELLIS_VERSION},
                                                         {"rules", rules}}}}},
                                     {"results", results}}})}};
  return doc.dump(2) + "\n";
}

// GitHub workflow commands: properties escape % \r \n : , ; the message escapes % \r \n.
std::string escape(const std::string& s, bool property) {
  std::string out;
  for (char c : s) {
    if (c == '%') out += "%25";
    else if (c == '\r') out += "%0D";
    else if (c == '\n') out += "%0A";
    else if (property && c == ':') out += "%3A";
    else if (property && c == ',') out += "%2C";
    else out += c;
  }
  return out;
}

std::string github(const LintReport& r) {
  std::string out;
  for (const auto& f : r.findings) {
    out += std::string("::") + (f.severity == LintSeverity::kError ? "error" : "warning") +
           " file=" + escape(f.file, true) + ",line=" + std::to_string(f.line) +
           ",col=" + std::to_string(f.col) + ",title=" + escape(f.rule, true) + "::" +
           escape(f.help.empty() ? f.message : f.message + "\nhelp: " + f.help, false) + "\n";
  }
  return out;
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
    case LintFormat::kGithub: return github(report);
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
  for (const auto& f : report.findings) findings[f.migration_id].push_back(f);
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
