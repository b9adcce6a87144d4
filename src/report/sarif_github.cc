// sarif_github.cc — Diagnostics as SARIF 2.1.0 and as GitHub workflow commands (formats.h).
#include <algorithm>
#include <map>

#include "report/formats.h"

namespace trellis::report {
namespace {

using Json = nlohmann::ordered_json;

std::string message_with_help(const Diagnostic& d) {
  return d.hint.empty() ? d.message : d.message + "\nhelp: " + d.hint;
}

Json sarif_result(const Diagnostic& d, const std::map<std::string, size_t>& rule_index) {
  Json region = {{"startLine", std::max(1, d.line)}};
  if (d.column > 0) region["startColumn"] = d.column;
  Json result = {{"ruleId", d.code}};
  auto it = rule_index.find(d.code);
  if (it != rule_index.end()) result["ruleIndex"] = it->second;
  Json rest = {{"level", severity_name(d.severity)},
          {"message", {{"text", message_with_help(d)}}},
          {"locations",
           Json::array({{{"physicalLocation",
                          {{"artifactLocation", {{"uri", d.file}}}, {"region", region}}}}})}};
  for (auto& [key, value] : rest.items()) result[key] = value;
  return result;
}

// Properties escape % \r \n : , ; the message escapes % \r \n.
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

}  // namespace

std::string sarif(const std::vector<Diagnostic>& diagnostics, const std::vector<SarifRule>& rules) {
  Json rule_list = Json::array();
  std::map<std::string, size_t> rule_index;
  for (const auto& r : rules) {
    Json rule = {{"id", r.id}, {"shortDescription", {{"text", r.summary}}}};
    if (!r.help_uri.empty()) rule["helpUri"] = r.help_uri;
    rule["help"] = {{"text", r.help}};
    rule["defaultConfiguration"] = {{"level", severity_name(r.level)}};
    rule_index.emplace(r.id, rule_list.size());
    rule_list.push_back(std::move(rule));
  }
  Json results = Json::array();
  for (const auto& d : diagnostics) results.push_back(sarif_result(d, rule_index));
  Json driver = {{"name", "trellis"}, {"version", TRELLIS_VERSION}, {"rules", rule_list}};
  Json doc = {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
              {"version", "2.1.0"},
              {"runs", Json::array({{{"tool", {{"driver", driver}}}, {"results", results}}})}};
  return doc.dump(2) + "\n";
}

std::string github_annotations(const std::vector<Diagnostic>& diagnostics) {
  std::string out;
  for (const auto& d : diagnostics) {
    out += std::string("::") + severity_name(d.severity) + " file=" + escape(d.file, true) +
           ",line=" + std::to_string(d.line) + ",col=" + std::to_string(d.column) +
           ",title=" + escape(d.code, true) + "::" + escape(message_with_help(d), false) + "\n";
  }
  return out;
}

}  // namespace trellis::report
