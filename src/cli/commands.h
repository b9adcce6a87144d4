// commands.h — the command table. Each command lives in its own cmd_<name>.cc, owns its
// options and help text, and returns the process exit status.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "trellis/workspace.h"

namespace trellis::cli {

// Options every command accepts (before or after the command name).
struct Globals {
  std::string dir = ".";
  std::string env;
  std::string database;
  bool no_color = false;
  bool verbose = false;  // --verbose: which trellis.toml, environment and database (verbose.cc)

  EnvSelection selection() const { return EnvSelection{env, database}; }
  // Loads the project in `dir` with the selected environment.
  Workspace workspace(FileCacheUse files = FileCacheUse::kReadWrite) const {
    if (verbose) say_environment();
    return Workspace(dir, selection(), files);
  }
  // The same, running `alongside` while the migration files load (see Workspace).
  Workspace workspace(const Workspace::Alongside& alongside) const {
    if (verbose) say_environment();
    return Workspace(dir, selection(), alongside);
  }
  // With --verbose, on stderr: the environment chosen, by what, and its database with
  // any password masked (verbose.cc). The first form reads trellis.toml for it (once
  // more; nothing when it cannot: the command's own reading then tells why).
  void say_environment() const;
  void say_environment(const Environment& env) const;
};

// With --verbose, on stderr: the trellis.toml of the project in g.dir (as the upward
// search left it; `given` is the -C value, "." without one), or that there is none.
void say_project(const Globals& g, const std::string& given);

using Runner = std::function<int()>;

// A --lock-wait value ("30s", "500ms", "0"); nullopt when empty (the environment's
// lock_wait then). Throws Error(kUsage) on a bad duration. (cmd_apply.cc)
std::optional<Millis> parse_lock_wait(const std::string& text);

struct Command {
  const char* name;
  const char* summary;
  // Adds the command's options to `sub` and returns what runs it.
  Runner (*setup)(CLI::App& sub, const Globals& globals);
};

const std::vector<Command>& command_table();

// One setup function per command (cmd_<name>.cc).
Runner setup_init(CLI::App&, const Globals&);
Runner setup_new(CLI::App&, const Globals&);
Runner setup_plan(CLI::App&, const Globals&);
Runner setup_apply(CLI::App&, const Globals&);
Runner setup_rollback(CLI::App&, const Globals&);
Runner setup_status(CLI::App&, const Globals&);
Runner setup_history(CLI::App&, const Globals&);
Runner setup_graph(CLI::App&, const Globals&);
Runner setup_stamp(CLI::App&, const Globals&);
Runner setup_accept(CLI::App&, const Globals&);
Runner setup_repair(CLI::App&, const Globals&);
Runner setup_forget(CLI::App&, const Globals&);
Runner setup_check(CLI::App&, const Globals&);
Runner setup_lint(CLI::App&, const Globals&);
Runner setup_import(CLI::App&, const Globals&);
Runner setup_adopt(CLI::App&, const Globals&);
Runner setup_schema(CLI::App&, const Globals&);
Runner setup_diff(CLI::App&, const Globals&);
Runner setup_verify(CLI::App&, const Globals&);
Runner setup_wait(CLI::App&, const Globals&);
// The project over many databases (cmd_fleet.cc).
Runner setup_fleet(CLI::App&, const Globals&);
// Zero-downtime workflow (cmd_backfill.cc).
Runner setup_backfill(CLI::App&, const Globals&);
// Completion scripts and the man page (cmd_completions.cc).
Runner setup_completions(CLI::App&, const Globals&);
Runner setup_man(CLI::App&, const Globals&);

}  // namespace trellis::cli
