// diagnostic.cc — the text form of diagnostics (trellis/diagnostic.h).
#include "trellis/diagnostic.h"

#include <algorithm>

namespace trellis {

const char* severity_name(Severity severity) {
  return severity == Severity::kError ? "error" : "warning";
}

Diagnostic error_at(std::string code, std::string file, int line, std::string message,
                    std::string hint) {
  Diagnostic d;
  d.code = std::move(code);
  d.file = std::move(file);
  d.line = line;
  d.message = std::move(message);
  d.hint = std::move(hint);
  return d;
}

std::string format_text(const Diagnostic& d) {
  std::string out;
  if (!d.file.empty()) {
    out.append(d.file);
    if (d.line > 0) out.append(":").append(std::to_string(d.line));
    out.append(": ");
  } else if (d.line > 0) {
    out.append("line ").append(std::to_string(d.line)).append(": ");
  }
  out.append(d.message);
  if (!d.source.empty()) {
    out.append("\n  ").append(d.source).append("\n  ");
    out.append(static_cast<std::size_t>(std::max(d.column, 1) - 1), ' ').append("^");
  }
  return out;
}

std::string format_text(const std::vector<Diagnostic>& diagnostics) {
  std::string out;
  for (const auto& d : diagnostics) {
    if (!out.empty()) out += '\n';
    out += format_text(d);
  }
  return out;
}

std::string statement_location(int statement, int line) {
  return "statement " + std::to_string(statement) + " (line " + std::to_string(line) + ")";
}

}  // namespace trellis
