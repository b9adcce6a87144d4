// trellis/diagnostic.h — one problem found by a check, and where it is.
//
// Every check produces Diagnostics: the migration file parser, the graph, statement
// splitting before apply and rollback, the planner (Plan::errors), the integrity checks
// (Finding), lint (LintFinding) and cross-feature conflicts (Conflict). A thrown Error
// carries them (error.h); renderers turn them into text, JSON, SARIF or GitHub
// annotations without knowing which check made them.
#pragma once

#include <string>
#include <vector>

namespace trellis {

enum class Severity { kError, kWarning };
const char* severity_name(Severity severity);  // "error", "warning"

struct Diagnostic {
  Severity severity = Severity::kError;
  // A stable id of the kind of problem: the lint rule ("add-column-default"), the
  // integrity finding's kind ("checksum-mismatch"), the plan error's kind
  // ("out-of-order"), "parse" for SQL a parser rejects, the SQLSTATE of a failed
  // statement. Empty for a one-off message.
  std::string code;
  std::string file;  // relative to the project root; empty when no file is concerned
  int line = 0;      // 1-based; 0 when not known
  int column = 0;    // 1-based; 0 when not known
  std::string message;
  std::string hint;  // what to do about it; may be empty
  std::string id;    // the migration it is about, when it is about one
  // The text of `line` (without its line break), shown under the message with a caret
  // at `column`; empty shows none.
  std::string source;
};

// An error at `file`:`line` (0: the whole file), without column or source line.
Diagnostic error_at(std::string code, std::string file, int line, std::string message,
                    std::string hint = {});

// The text form of errors: "file:line: message" ("file: message" without a line, "line N:
// message" without a file), then the source line and a caret under the column when the
// diagnostic has them:
//   migrations/core/0001_x.sql:3: unknown directive 'phas'
//     -- phas: expand
//        ^
std::string format_text(const Diagnostic& d);
// Each diagnostic's format_text, one after the other on separate lines.
std::string format_text(const std::vector<Diagnostic>& diagnostics);

// "statement 2 (line 7)": where in a section a statement is, for messages.
std::string statement_location(int statement, int line);

}  // namespace trellis
