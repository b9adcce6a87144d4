// output.h — everything the CLI prints goes through here: colour only on a terminal
// and never with NO_COLOR, aligned tables (table.h), errors as "trellis: error: …". stdout is
// line-buffered also when it is not a terminal.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace trellis::cli {

enum class Style { kPlain, kBold, kDim, kGreen, kYellow, kRed, kCyan, kMagenta, kBlue };

class Output {
 public:
  static Output& get();  // call first thing in main: it sets stdout's buffering
  void disable_color() { color_ = false; }
  bool color() const { return color_; }

  std::string paint(Style style, const std::string& text) const;
  void line(const std::string& text = "") const;           // stdout
  void err(const std::string& text) const;                 // stderr
  void json(const nlohmann::json& doc) const;              // stdout, pretty
  // Columns sized to their content, within 100 columns where the content allows (see
  // layout_table); the header dim.
  void table(const std::vector<std::string>& header,
             const std::vector<std::vector<std::string>>& rows) const;

 private:
  Output();
  bool color_;
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
