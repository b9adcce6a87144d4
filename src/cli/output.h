// output.h — everything the CLI prints goes through here: colour only on a terminal
// and never with NO_COLOR, aligned tables (table.h), errors as "trellis: error: …". stdout is
// line-buffered also when it is not a terminal.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace trellis::cli {

// The version of every --json document's shape (docs/json.md): raised when a field is
// renamed or removed, never for an added one.
inline constexpr int kJsonSchemaVersion = 1;

// A JSON string, or null when `text` is empty (an absent value is null, never "").
nlohmann::json string_or_null(const std::string& text);

enum class Style { kPlain, kBold, kDim, kGreen, kYellow, kRed, kCyan, kMagenta, kBlue };

class Output {
 public:
  static Output& get();  // call first thing in main: it sets stdout's buffering
  void disable_color() { color_ = false; }
  bool color() const { return color_; }

  std::string paint(Style style, const std::string& text) const;
  void line(const std::string& text = "") const;           // stdout
  // stderr; with --log-format json a {"event": "message", "text"} line instead.
  void err(const std::string& text) const;
  // stdout, pretty, with "schema_version" (kJsonSchemaVersion) added to an object.
  void json(const nlohmann::json& doc) const;
  void ordered_json(nlohmann::ordered_json doc) const;  // keys in their order
  // A document rendered elsewhere as one JSON object on one line (schema's model), printed
  // as it is with "schema_version" put first.
  void json_line(const std::string& object) const;

  // --json (lint: --format json) was asked for: every exit prints one JSON document on
  // stdout. When a command ends (finish_json, also from exit_now) without having printed
  // one — bad usage, a configuration error, an unreachable database — the document is
  // {"schema_version", "command", "ok": false, "exit_code", "errors": [...]}, holding the
  // errors printed on stderr meanwhile (record_error; print_error records its own).
  void set_json_mode(std::string command) { json_command_ = std::move(command); json_mode_ = true; }
  // Help or the version was asked for: that text is the whole output, no JSON document.
  void leave_json_mode() { json_mode_ = false; }
  // The command's words, for the JSON document and the closing event ("backfill status").
  void set_command(std::string command) { command_ = std::move(command); }
  const std::string& command() const { return command_; }
  bool json_mode() const { return json_mode_; }
  void record_error(const std::string& message, const std::string& hint = {}, const std::string& code = {},
                    const std::string& file = {}, int line = 0, const std::string& id = {}) const;
  void finish_json(int exit_code) const;
  // Columns sized to their content, within 100 columns where the content allows (see
  // layout_table); the header dim.
  void table(const std::vector<std::string>& header,
             const std::vector<std::vector<std::string>>& rows) const;

 private:
  Output();
  bool color_;
  bool json_mode_ = false;
  std::string json_command_;
  std::string command_;
  mutable bool json_printed_ = false;
  mutable nlohmann::ordered_json json_errors_ = nlohmann::ordered_json::array();
};

// Ends the process with `code` once stdout and stderr are flushed, without destroying
// what the command built. For a project of thousands of migrations that is tens of
// thousands of strings, the parsed files and the database's schema: a few milliseconds
// that a command taking twenty notices. Call it only at the very end of a command, with
// every database connection already closed (destroyed).
[[noreturn]] void exit_now(int code);

// Prints a library error with its hint, and returns the exit status for it.
int report_error(const std::exception& e);

// Colours for states and results ("applied" green, "failed" red, …).
Style style_for_state(const std::string& state);

}  // namespace trellis::cli
