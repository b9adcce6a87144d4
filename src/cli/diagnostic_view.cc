// diagnostic_view.cc — Diagnostics on the terminal (diagnostic_view.h).
#include "cli/diagnostic_view.h"

#include <algorithm>

#include "cli/event_log.h"
#include "cli/output.h"

namespace trellis::cli {

void print_error(const std::vector<Diagnostic>& diagnostics, const std::string& hint) {
  const Output& out = Output::get();
  if (EventLog::get().enabled()) {
    for (const Diagnostic& d : diagnostics) {
      nlohmann::ordered_json fields = report::json_object(d);
      if (fields["hint"].is_null() && !hint.empty()) fields["hint"] = hint;
      EventLog::get().emit("error", fields);
    }
  } else {
    out.err("trellis: error: " + format_text(diagnostics));
    // Each diagnostic's own way forward (once each), then the one for all of them.
    std::vector<std::string> shown;
    for (const Diagnostic& d : diagnostics) {
      if (d.hint.empty() || d.hint == hint || std::find(shown.begin(), shown.end(), d.hint) != shown.end()) continue;
      shown.push_back(d.hint);
      // A hint of one among several names whose it is; one they share is said once, plainly.
      auto sharing = std::count_if(diagnostics.begin(), diagnostics.end(),
                                   [&](const Diagnostic& other) { return other.hint == d.hint; });
      bool name_it = sharing == 1 && diagnostics.size() > 1 && !d.file.empty();
      std::string where = name_it ? d.file + (d.line > 0 ? ":" + std::to_string(d.line) : "") + ": " : "";
      out.err("  hint: " + where + d.hint);
    }
    if (!hint.empty()) out.err("  hint: " + hint);
  }
  for (std::size_t i = 0; i < diagnostics.size(); ++i) {
    const Diagnostic& d = diagnostics[i];
    // The hint printed once under all of them belongs to each; a diagnostic's own wins.
    std::string own_hint = d.hint.empty() ? hint : d.hint;
    out.record_error(d.message, own_hint, d.code, d.file, d.line, d.id);
  }
  if (diagnostics.empty()) out.record_error("unknown error", hint);
}

void print_severity_message(const Diagnostic& d) {
  const Output& out = Output::get();
  bool error = d.severity == Severity::kError;
  out.line(out.paint(error ? Style::kRed : Style::kYellow, error ? "  error: " : "  warning: ") +
           d.message);
}

void print_coded(const Diagnostic& d) {
  const Output& out = Output::get();
  std::string label = std::string(severity_name(d.severity)) + "[" + d.code + "]";
  out.line("  " + d.file + ":" + std::to_string(d.line) + ": " +
           out.paint(d.severity == Severity::kError ? Style::kRed : Style::kYellow, label) + ": " +
           d.message);
  if (!d.hint.empty()) out.line("    help: " + d.hint);
}

nlohmann::json json_array(const std::vector<Diagnostic>& diagnostics,
                          std::initializer_list<report::JsonField> shape) {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& d : diagnostics) arr.push_back(nlohmann::json(report::json_object(d, shape)));
  return arr;
}

}  // namespace trellis::cli
