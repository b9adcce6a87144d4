// reference.h — what the command table says, in the forms shells and man read: bash, zsh
// and fish completion scripts and the trellis(1) man page, all generated from the parsed
// CLI11 application, so they never disagree with --help.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

namespace trellis::cli {

std::string bash_completion(const CLI::App& app);
std::string zsh_completion(const CLI::App& app);
std::string fish_completion(const CLI::App& app);
// roff, for `man`: NAME, SYNOPSIS, DESCRIPTION, one section per command with its options,
// EXIT STATUS, ENVIRONMENT, FILES.
std::string man_page(const CLI::App& app, const std::string& version);

}  // namespace trellis::cli
