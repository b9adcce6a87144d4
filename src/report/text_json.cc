// text_json.cc — Diagnostics as compact text lines and as JSON objects (formats.h).
#include "report/formats.h"

namespace trellis::report {

std::string compact_text(const Diagnostic& d) {
  std::string out = d.file + ":" + std::to_string(d.line) + ":" + std::to_string(d.column) + ": " +
                    severity_name(d.severity) + "[" + d.code + "]: " + d.message + "\n";
  if (!d.hint.empty()) out += "  help: " + d.hint + "\n";
  return out;
}

namespace {

// What is not known is null, never "" or 0.
nlohmann::ordered_json or_null(const std::string& text) {
  return text.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(text);
}
nlohmann::ordered_json or_null(int position) {
  return position > 0 ? nlohmann::ordered_json(position) : nlohmann::ordered_json(nullptr);
}

}  // namespace

nlohmann::ordered_json json_object(const Diagnostic& d, std::initializer_list<JsonField> shape) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const JsonField& f : shape) {
    switch (f.field) {
      case Field::kCode: out[f.name] = or_null(d.code); break;
      case Field::kSeverity: out[f.name] = severity_name(d.severity); break;
      case Field::kFile: out[f.name] = or_null(d.file); break;
      case Field::kLine: out[f.name] = or_null(d.line); break;
      case Field::kColumn: out[f.name] = or_null(d.column); break;
      case Field::kMessage: out[f.name] = d.message; break;
      case Field::kHint: out[f.name] = or_null(d.hint); break;
      case Field::kId: out[f.name] = or_null(d.id); break;
    }
  }
  return out;
}

nlohmann::ordered_json json_object(const Diagnostic& d) {
  return json_object(d, {{Field::kSeverity, "severity"},
                         {Field::kCode, "code"},
                         {Field::kFile, "file"},
                         {Field::kLine, "line"},
                         {Field::kColumn, "column"},
                         {Field::kMessage, "message"},
                         {Field::kHint, "hint"},
                         {Field::kId, "id"}});
}

}  // namespace trellis::report
