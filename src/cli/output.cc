#include "cli/output.h"

#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "cli/diagnostic_view.h"
#include "cli/event_log.h"
#include "cli/table.h"
#include "trellis/error.h"

namespace trellis::cli {
namespace {

const char* code(Style s) {
  switch (s) {
    case Style::kPlain: return "";
    case Style::kBold: return "\033[1m";
    case Style::kDim: return "\033[2m";
    case Style::kGreen: return "\033[32m";
    case Style::kYellow: return "\033[33m";
    case Style::kRed: return "\033[31m";
    case Style::kCyan: return "\033[36m";
    case Style::kMagenta: return "\033[35m";
    case Style::kBlue: return "\033[34m";
  }
  return "";
}

}  // namespace

Output::Output() {
  // A pipe or a file gets whole lines as they are printed, so that a killed run still
  // leaves a complete log of what it did (a terminal is line-buffered already).
  if (::isatty(STDOUT_FILENO) == 0) std::setvbuf(stdout, nullptr, _IOLBF, BUFSIZ);
  const char* no_color = std::getenv("NO_COLOR");
  const char* term = std::getenv("TERM");
  color_ = ::isatty(STDOUT_FILENO) && (no_color == nullptr || *no_color == '\0') &&
           !(term != nullptr && std::string(term) == "dumb");
}

Output& Output::get() {
  static Output out;
  return out;
}

std::string Output::paint(Style style, const std::string& text) const {
  if (!color_ || style == Style::kPlain) return text;
  return std::string(code(style)) + text + "\033[0m";
}

void Output::line(const std::string& text) const {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fputc('\n', stdout);
}

void Output::err(const std::string& text) const {
  if (EventLog::get().enabled()) {
    EventLog::get().emit("message", {{"text", text}});
    return;
  }
  std::fflush(stdout);
  std::fwrite(text.data(), 1, text.size(), stderr);
  std::fputc('\n', stderr);
}

nlohmann::json string_or_null(const std::string& text) {
  return text.empty() ? nlohmann::json(nullptr) : nlohmann::json(text);
}

void Output::json(const nlohmann::json& doc) const {
  nlohmann::ordered_json ordered = nlohmann::ordered_json::parse(doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  ordered_json(std::move(ordered));
}

void Output::ordered_json(nlohmann::ordered_json doc) const {
  if (doc.is_object() && !doc.contains("schema_version")) {
    nlohmann::ordered_json versioned = {{"schema_version", kJsonSchemaVersion}};
    versioned.update(doc);
    doc = std::move(versioned);
  }
  json_printed_ = true;
  line(doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
}

void Output::json_line(const std::string& object) const {
  json_printed_ = true;
  std::string head = "{\"schema_version\":" + std::to_string(kJsonSchemaVersion);
  line(object.size() > 2 && object[0] == '{' ? head + "," + object.substr(1) : object);
}

void Output::record_error(const std::string& message, const std::string& hint, const std::string& code,
                          const std::string& file, int line, const std::string& id) const {
  if (!json_mode_) return;
  json_errors_.push_back({{"message", message}, {"hint", string_or_null(hint)}, {"code", string_or_null(code)},
                          {"file", string_or_null(file)},
                          {"line", line > 0 ? nlohmann::json(line) : nlohmann::json(nullptr)},
                          {"id", string_or_null(id)}});
}

void Output::finish_json(int exit_code) const {
  if (!json_mode_ || json_printed_) return;
  ordered_json(nlohmann::ordered_json{{"command", json_command_},
                              {"ok", exit_code == 0},
                              {"exit_code", exit_code},
                              {"errors", json_errors_}});
}

void Output::table(const std::vector<std::string>& header,
                   const std::vector<std::vector<std::string>>& rows) const {
  auto lines = layout_table(header, rows);
  for (std::size_t i = 0; i < lines.size(); ++i) line(i == 0 ? paint(Style::kDim, lines[i]) : lines[i]);
}

void exit_now(int code) {
  Output::get().finish_json(code);
  EventLog::get().finish(Output::get().command(), code);
  std::fflush(stdout);
  std::fflush(stderr);
  std::_Exit(code);
}

int report_error(const std::exception& e) {
  if (const auto* te = dynamic_cast<const Error*>(&e)) {
    print_error(te->diagnostics(), te->hint());
    return static_cast<int>(exit_code_for(te->kind()));
  }
  Output::get().err(std::string("trellis: error: ") + e.what());
  Output::get().record_error(e.what());
  return static_cast<int>(ExitCode::kFailed);
}

Style style_for_state(const std::string& state) {
  if (state == "applied") return Style::kGreen;
  if (state == "failed" || state == "interrupted") return Style::kRed;
  if (state == "blocked" || state == "running" || state == "paused") return Style::kYellow;
  if (state == "held" || state == "not-run") return Style::kDim;
  if (state == "pending") return Style::kCyan;
  return Style::kPlain;
}

}  // namespace trellis::cli
