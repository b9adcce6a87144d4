#include "cli/confirm.h"

#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <iostream>

#include "trellis/error.h"
#include "util/text.h"

namespace trellis::cli {

void Consent::add_flags(CLI::App& sub) {
  sub.add_flag("-y,--yes", yes, "Change without asking (for scripts; without a terminal it is required)");
  sub.add_flag("--dry-run", dry_run, "Show what would change; change nothing");
}

bool on_terminal() { return ::isatty(STDIN_FILENO) != 0 && ::isatty(STDERR_FILENO) != 0; }

void Consent::require_answerable(const std::string& command) const {
  if (yes || dry_run || on_terminal()) return;
  throw Error(ErrorKind::kUsage,
              command + " asks before it changes anything, but there is no terminal to ask on; "
                        "nothing was changed",
              "pass --yes to change it without asking, or --dry-run to see what would change");
}

bool Consent::ask(const std::string& question) const {
  if (yes) return true;
  if (dry_run) return false;
  std::fflush(stdout);
  std::fprintf(stderr, "%s [y/N] ", question.c_str());
  std::fflush(stderr);
  std::string answer;
  if (!std::getline(std::cin, answer)) return false;
  std::string word(trim(answer));
  for (char& c : word) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return word == "y" || word == "yes";
}

}  // namespace trellis::cli
