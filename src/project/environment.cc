// Chooses the environment and resolves its database URL.
#include <cstdlib>
#include <filesystem>

#include "project/interpolate.h"
#include "trellis/error.h"
#include "trellis/project.h"
#include "util/text.h"

namespace trellis {
namespace {

std::string env_list(const Config& c) {
  std::vector<std::string> names;
  for (const auto& [name, env] : c.environments) names.push_back(name);
  return names.empty() ? "none defined" : join(names, ", ");
}

// `text` (the value of `key` at `line` of trellis.toml) with every ${VAR} replaced.
std::string interpolate(const std::string& text, const char* key, int line, const Environment& env, const Config& c) {
  std::string where = c.config_path + ":" + std::to_string(line) + ": environment '" + env.name + "': ";
  return interpolate_variables(text, where, key);
}

// The environment's name, and what chose it (for --verbose).
std::pair<std::string, std::string> chosen_name(const Config& c, const EnvSelection& sel) {
  if (!sel.env_name.empty()) return {sel.env_name, "-e"};
  if (const char* v = std::getenv("TRELLIS_ENV"); v != nullptr && *v) return {v, "TRELLIS_ENV"};
  if (!c.default_env.empty()) {
    return {c.default_env, c.config_path + ":" + std::to_string(c.default_env_line) + ": [project] default_env"};
  }
  if (c.environments.size() == 1) return {c.environments.begin()->first, "the only environment in " + c.config_path};
  return {};
}

}  // namespace

Environment select_environment(const Config& config, const EnvSelection& selection) {
  auto [name, chosen_by] = chosen_name(config, selection);
  Environment env;
  if (name.empty()) {
    if (selection.database_override.empty()) {
      throw Error(ErrorKind::kConfig,
                  "no environment selected (environments: " + env_list(config) + ")",
                  "pass -e NAME, set TRELLIS_ENV, or set default_env in [project]");
    }
    env.name = "(command line)";
    env.settings = config.defaults;
    chosen_by = "no environment: --database alone";
  } else {
    auto it = config.environments.find(name);
    if (it == config.environments.end()) {
      std::vector<std::string> names;
      for (const auto& [known, e] : config.environments) names.push_back(known);
      std::string best = closest_name(name, names);
      throw Error(ErrorKind::kConfig, "unknown environment '" + name + "'" +
                                          (best.empty() ? "" : "; did you mean \"" + best + "\"?") +
                                          " (environments: " + env_list(config) + ")");
    }
    env = it->second;
  }
  if (!selection.database_override.empty()) {
    env.database = selection.database_override;
    env.database_origin = "--database";
  } else if (env.database.empty()) {
    throw Error(ErrorKind::kConfig, config.config_path + ":" + std::to_string(env.database_line) +
                                        ": environment '" + env.name + "' has no database",
                "add database = \"sqlite:app.db\" (or a postgres:// URL), or pass --database");
  } else {
    env.database = interpolate(env.database, "database", env.database_line, env, config);
    env.database_origin = config.config_path + ":" + std::to_string(env.database_line) +
                          ": environment '" + env.name + "'";
  }
  env.chosen_by = chosen_by;
  Settings& s = env.settings;
  if (!s.scratch_database.empty())
    s.scratch_database = interpolate(s.scratch_database, "scratch_database", s.scratch_database_line, env, config);
  return env;
}

}  // namespace trellis
