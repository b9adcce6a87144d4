// cmd_completions.cc — `trellis completions bash|zsh|fish` and `trellis man` (the roff
// source of trellis(1)), generated from the command table (reference.h).
#include "cli/commands.h"
#include "cli/output.h"
#include "cli/reference.h"
#include "trellis/error.h"

namespace trellis::cli {

Runner setup_completions(CLI::App& sub, const Globals&) {
  auto shell = std::make_shared<std::string>();
  sub.add_option("SHELL", *shell, "bash, zsh or fish")->required()->check(CLI::IsMember({"bash", "zsh", "fish"}));
  sub.footer(
      "Prints a completion script for the shell, from the same table as --help:\n"
      "  bash: trellis completions bash > /etc/bash_completion.d/trellis   (or: source <(trellis completions bash))\n"
      "  zsh:  trellis completions zsh > \"${fpath[1]}/_trellis\"\n"
      "  fish: trellis completions fish > ~/.config/fish/completions/trellis.fish\n"
      "`cmake --install` installs all three, and the man page.");
  CLI::App* app = &sub;
  return [app, shell]() {
    const CLI::App& top = *app->get_parent();
    std::string text = *shell == "bash" ? bash_completion(top) : *shell == "zsh" ? zsh_completion(top) : fish_completion(top);
    std::fputs(text.c_str(), stdout);
    return 0;
  };
}

Runner setup_man(CLI::App& sub, const Globals&) {
  sub.footer("Prints trellis(1) as roff: trellis man | man -l -   (installed by `cmake --install`).");
  CLI::App* app = &sub;
  return [app]() {
    std::fputs(man_page(*app->get_parent(), TRELLIS_VERSION).c_str(), stdout);
    return 0;
  };
}

}  // namespace trellis::cli
