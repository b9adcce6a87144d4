// formats.h — Diagnostics (trellis/diagnostic.h) in the machine-readable formats: compact
// text lines, JSON objects, SARIF 2.1.0 and GitHub workflow commands. They know nothing
// of which check produced a diagnostic: lint, check and an embedding application use the
// same functions.
#pragma once

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "trellis/diagnostic.h"

namespace trellis::report {

// "file:line:col: severity[code]: message\n" and, with a hint, "  help: hint\n".
std::string compact_text(const Diagnostic& d);

// A diagnostic as a JSON object holding the fields asked for, under the names given and
// in that order (documented shapes differ: lint says "rule" and "col", check "kind").
// An empty code, file, hint or id and a line or column of 0 are null.
enum class Field { kCode, kSeverity, kFile, kLine, kColumn, kMessage, kHint, kId };
struct JsonField {
  Field field;
  const char* name;
};
nlohmann::ordered_json json_object(const Diagnostic& d, std::initializer_list<JsonField> shape);
// Every field, under its own name: {"severity", "code", "file", "line", "column",
// "message", "hint", "id"}.
nlohmann::ordered_json json_object(const Diagnostic& d);

// A rule of the SARIF run's tool (the lint catalogue, or a check's finding kinds).
struct SarifRule {
  std::string id;
  std::string summary;
  std::string help;
  Severity level = Severity::kError;
  std::string help_uri;  // SARIF helpUri; "" = none
};
// SARIF 2.1.0: one run of the tool "trellis" with `rules`, one result per diagnostic
// (ruleId = code and ruleIndex its place in `rules` when there, the message with "\nhelp: " + hint, the file and region when known).
std::string sarif(const std::vector<Diagnostic>& diagnostics, const std::vector<SarifRule>& rules);

// "::error file=F,line=L,col=C,title=CODE::message%0Ahelp: hint" per diagnostic (GitHub
// Actions annotations; properties and message escaped as GitHub requires).
std::string github_annotations(const std::vector<Diagnostic>& diagnostics);

}  // namespace trellis::report
