// confirm.h — consent for commands that change the database by hand (repair, forget,
// rollback, stamp --all): --dry-run shows and changes nothing; --yes goes ahead (scripts); otherwise the
// question is asked on the terminal, and without one the command is refused (exit 2).
#pragma once

#include <string>

#include <CLI/CLI.hpp>

namespace trellis::cli {

struct Consent {
  bool yes = false;
  bool dry_run = false;

  // Adds --yes (-y) and --dry-run to `sub`.
  void add_flags(CLI::App& sub);

  // Before anything is opened for writing: throws Error(kUsage) (exit 2) when the command
  // would have to ask and cannot, because stdin or stderr is not a terminal; the hint says
  // `--yes` and `--dry-run`. `command` names it in the message ("repair").
  void require_answerable(const std::string& command) const;
  // With --yes: true. On a terminal: asks `question` on stderr ("… [y/N] ") and reads the
  // answer from stdin; true only for "y" or "yes" (any case). Never asked with --dry-run.
  bool ask(const std::string& question) const;
};

// Whether a question can be asked and answered: stdin and stderr are terminals.
bool on_terminal();

}  // namespace trellis::cli
