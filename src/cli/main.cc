// The trellis command line: a thin shell over the library. Only cli/ prints or exits.
#include <algorithm>
#include <cstring>
#include <filesystem>
#include <map>
#include <vector>

#include "cli/commands.h"
#include "cli/event_log.h"
#include "cli/output.h"
#include "trellis/error.h"
#include "util/text.h"

namespace {

using trellis::cli::Output;

// "trellis aply" -> "unknown command 'aply'; did you mean 'apply'?"
int unknown_command(const std::string& word) {
  // At most one edit in three letters: "aply" is apply, "wait" is not init.
  std::string best;
  int best_distance = std::max(1, static_cast<int>(word.size()) / 3) + 1;
  for (const auto& c : trellis::cli::command_table()) {
    int d = trellis::edit_distance(word, c.name);
    if (d < best_distance) {
      best_distance = d;
      best = c.name;
    }
  }
  std::string msg = "trellis: error: unknown command '" + word + "'";
  if (!best.empty()) msg += "; did you mean '" + best + "'?";
  Output::get().err(msg);
  Output::get().err("  run 'trellis --help' for the list of commands");
  Output::get().record_error(msg.substr(std::strlen("trellis: error: ")), "run 'trellis --help' for the list of commands");
  return static_cast<int>(trellis::ExitCode::kBadInput);
}

const char* first_word(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "-C" || a == "-e" || a == "--env" || a == "--database" || a == "--log-format") {
      ++i;
      continue;
    }
    if (!a.empty() && a[0] != '-') return argv[i];
  }
  return nullptr;
}

// Whether the command line asks for JSON: --json anywhere, or lint's --format json. Read
// from the words themselves, so that a command line that does not parse still gets its
// document.
bool asks_for_json(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--") break;
    if (a == "--json" || a == "--format=json") return true;
    if (a == "--format" && i + 1 < argc && std::strcmp(argv[i + 1], "json") == 0) return true;
  }
  return false;
}

// --log-format json, read before parsing so that a usage error is an event too.
bool asks_for_json_log(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--") break;
    if (a == "--log-format=json") return true;
    if (a == "--log-format" && i + 1 < argc && std::strcmp(argv[i + 1], "json") == 0) return true;
  }
  return false;
}

// The command's words for the JSON document ("backfill status"), or "" before one.
std::string command_words(int argc, char** argv) {
  const char* word = first_word(argc, argv);
  if (word == nullptr) return "";
  std::string out = word;
  if (out == "backfill" || out == "completions" || out == "fleet") {
    for (int i = 1; i + 1 < argc; ++i) {
      if (argv[i] == word && argv[i + 1][0] != '-') return out + " " + argv[i + 1];
    }
  }
  return out;
}

// `trellis help [COMMAND]` is `trellis [COMMAND] --help`.
std::vector<char*> help_as_flag(int argc, char** argv) {
  static char kHelp[] = "--help";
  std::vector<char*> out(argv, argv + argc);
  const char* word = first_word(argc, argv);
  if (word == nullptr || std::strcmp(word, "help") != 0) return out;
  auto at = std::find(out.begin(), out.end(), word);
  out.erase(at);
  out.push_back(kHelp);
  return out;
}

// With no -C, the project is the nearest directory upwards that has a trellis.toml, as git
// finds its repository (init writes where it is asked to).
std::string find_project(const std::string& dir, const char* command) {
  namespace fs = std::filesystem;
  if (dir != "." || (command != nullptr && std::strcmp(command, "init") == 0)) return dir;
  std::error_code ec;
  fs::path here = fs::current_path(ec);
  if (ec) return dir;
  for (fs::path p = here; !p.empty(); p = p.parent_path()) {
    if (fs::exists(p / "trellis.toml", ec)) return p == here ? dir : p.string();
    if (p == p.root_path()) break;
  }
  return dir;
}

}  // namespace

int run_main(int argc, char** argv);

int main(int argc, char** argv) {
  using trellis::cli::EventLog;
  using trellis::cli::Output;
  Output::get();  // before anything is printed: it sets stdout's buffering
  std::string command = command_words(argc, argv);
  Output::get().set_command(command);
  if (asks_for_json(argc, argv)) Output::get().set_json_mode(command);
  if (asks_for_json_log(argc, argv)) EventLog::get().enable();
  int code = run_main(argc, argv);
  Output::get().finish_json(code);
  EventLog::get().finish(command, code);
  return code;
}

int run_main(int argc, char** argv) {
  using namespace trellis::cli;
  CLI::App app{"Trellis: feature-scoped database migrations", "trellis"};
  app.set_version_flag("-V,--version", std::string("trellis ") + TRELLIS_VERSION);
  app.require_subcommand(1);
  app.fallthrough();
  Globals g;
  app.add_option("-C", g.dir, "Run as if started in DIR (the project root)")->type_name("DIR");
  app.add_option("-e,--env", g.env, "Environment from trellis.toml (default: $TRELLIS_ENV, then [project] default_env)")
      ->type_name("NAME");
  app.add_option("--database", g.database, "Database URL, overriding the environment's")->type_name("URL");
  std::string log_format = "text";
  app.add_option("--log-format", log_format,
                 "text, or json: one JSON object per event on stderr (run, migration, retry, batch, lock wait; "
                 "see docs/json.md)")
      ->type_name("FORMAT")
      ->check(CLI::IsMember({"text", "json"}));
  app.add_flag("-v,--verbose", g.verbose,
               "Say on stderr which trellis.toml was found, which environment was chosen and why, and its "
               "database (password masked)");
  app.add_flag("--no-color", g.no_color, "No colour (also off with NO_COLOR or when not a terminal)");
  std::map<CLI::App*, Runner> runners;
  for (const auto& c : command_table()) {
    CLI::App* sub = app.add_subcommand(c.name, c.summary);
    runners[sub] = c.setup(*sub, g);
  }
  std::vector<char*> args = help_as_flag(argc, argv);
  argc = static_cast<int>(args.size());
  argv = args.data();
  if (const char* word = first_word(argc, argv)) {
    bool known = false;
    for (const auto& c : command_table()) known = known || std::strcmp(c.name, word) == 0;
    if (!known) return unknown_command(word);
  }
  app.footer(
      "Exit status: 0 success; 1 a migration failed or was blocked, or lint/check found errors;\n"
      "2 bad usage, configuration or migration files (nothing was applied); 3 the database or\n"
      "its lock could not be had in time. Run 'trellis COMMAND --help' for a command's options.");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    Output::get().leave_json_mode();  // `status --help --json`: the help, and only it
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    Output::get().leave_json_mode();
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    Output::get().leave_json_mode();
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    Output::get().err(std::string("trellis: error: ") + e.what());
    Output::get().err("  run 'trellis --help' or 'trellis COMMAND --help' for the options");
    Output::get().record_error(e.what(), "run 'trellis --help' or 'trellis COMMAND --help' for the options", "usage");
    return static_cast<int>(trellis::ExitCode::kBadInput);
  }
  if (g.no_color) Output::get().disable_color();
  const std::string given = g.dir;
  g.dir = find_project(g.dir, first_word(argc, argv));
  say_project(g, given);
  try {
    for (auto& [sub, run] : runners) {
      if (sub->parsed()) return run();
    }
  } catch (const std::exception& e) {
    return report_error(e);
  }
  return 0;
}
