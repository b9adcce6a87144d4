// verbose.cc — `--verbose`: which trellis.toml was found (upwards from the current
// directory, as git finds its repository), which environment was chosen and by what, and
// its database (password masked), on stderr.
#include <filesystem>
#include <system_error>

#include "cli/commands.h"
#include "cli/output.h"

namespace trellis::cli {

void say_project(const Globals& g, const std::string& given) {
  if (!g.verbose) return;
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path here = fs::current_path(ec);
  fs::path root = fs::absolute(g.dir, ec).lexically_normal();
  if (!root.empty() && root.filename().empty()) root = root.parent_path();  // "/p/." → "/p/"
  fs::path file = root / "trellis.toml";
  const Output& out = Output::get();
  if (!fs::exists(file, ec)) {
    out.err("trellis: verbose: no trellis.toml in " + root.string() +
            (given == "." ? " or any directory above it" : ""));
    return;
  }
  std::string how = given != "." ? "given by -C"
                    : g.dir == "." ? "in the current directory"
                                   : "found upwards from " + here.string();
  out.err("trellis: verbose: project " + file.string() + " (" + how + ")");
}

void Globals::say_environment() const {
  try {
    Config config = load_config(dir);
    say_environment(resolve_environment(config, selection()));
  } catch (const std::exception&) {
    // the command reads trellis.toml next and reports what is wrong with it
  }
}

void Globals::say_environment(const Environment& e) const {
  if (!verbose) return;
  const Output& out = Output::get();
  out.err("trellis: verbose: environment " + e.name + " (chosen by " + e.chosen_by + ")");
  out.err("trellis: verbose: database " + mask_url(e.database) + " (from " + e.database_origin + ")");
}

}  // namespace trellis::cli
