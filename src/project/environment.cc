// Chooses the environment and resolves its database URL.
#include <cstdlib>
#include <filesystem>

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

std::string interpolate(const std::string& text, const Environment& env, const Config& c) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text.compare(i, 2, "${") != 0) {
      out += text[i++];
      continue;
    }
    auto close = text.find('}', i + 2);
    std::string where = c.config_path + ":" + std::to_string(env.database_line) +
                        ": environment '" + env.name + "': ";
    if (close == std::string::npos) throw Error(ErrorKind::kConfig, where + "unterminated '${' in database");
    std::string var = text.substr(i + 2, close - i - 2);
    const char* value = std::getenv(var.c_str());
    if (value == nullptr) {
      throw Error(ErrorKind::kConfig, where + "${" + var + "} is not set",
                  "export " + var + " before running trellis; an unset variable is never replaced by a default");
    }
    if (*value == '\0') throw Error(ErrorKind::kConfig, where + "${" + var + "} is empty");
    out += value;
    i = close + 1;
  }
  return out;
}

// "sqlite:dev.db" is relative to the project root, not the current directory.
std::string anchor_sqlite_path(const std::string& url, const std::string& root) {
  if (!starts_with(url, "sqlite:") || url == "sqlite::memory:") return url;
  std::string path = url.substr(7);
  if (starts_with(path, "//")) path = path.substr(2);  // tolerate sqlite://path
  if (path.empty() || path[0] == '/') return "sqlite:" + path;
  return "sqlite:" + (std::filesystem::path(root) / path).lexically_normal().string();
}

// The URL forms open_driver() accepts. Checked here, where trellis.toml's line is known,
// before anything connects.
const char* kAcceptedUrls =
    "sqlite:PATH, sqlite::memory:, postgres://..., postgresql://..., or a libpq "
    "\"host=... dbname=...\" string";

// The scheme only: the rest of a URL may hold a password.
std::string scheme_of(const std::string& url) {
  auto sep = url.find("://");
  if (sep == std::string::npos) sep = url.find(':');
  return sep == std::string::npos ? std::string() : url.substr(0, sep);
}

void check_database_url(const std::string& url, const std::string& where) {
  if (starts_with(url, "sqlite:")) {
    if (url.size() > 7) return;
    throw Error(ErrorKind::kConfig, where + ": database URL 'sqlite:' has no path",
                "write sqlite:PATH (relative to the project directory) or sqlite::memory:");
  }
  if (starts_with(url, "postgres://") || starts_with(url, "postgresql://") ||
      url.find('=') != std::string::npos) {
    return;
  }
  std::string scheme = scheme_of(url);
  std::string what = scheme.empty() ? "database URL '" + url + "' has no scheme"
                                    : "unsupported database URL scheme '" + scheme + "'";
  throw Error(ErrorKind::kConfig, where + ": " + what, std::string("accepted: ") + kAcceptedUrls);
}

std::string chosen_name(const Config& c, const EnvSelection& sel) {
  if (!sel.env_name.empty()) return sel.env_name;
  if (const char* v = std::getenv("TRELLIS_ENV"); v != nullptr && *v) return v;
  if (!c.default_env.empty()) return c.default_env;
  if (c.environments.size() == 1) return c.environments.begin()->first;
  return {};
}

}  // namespace

Environment select_environment(const Config& config, const EnvSelection& selection) {
  std::string name = chosen_name(config, selection);
  Environment env;
  if (name.empty()) {
    if (selection.database_override.empty()) {
      throw Error(ErrorKind::kConfig,
                  "no environment selected (environments: " + env_list(config) + ")",
                  "pass -e NAME, set TRELLIS_ENV, or set default_env in [project]");
    }
    env.name = "(command line)";
    env.settings = config.defaults;
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
    check_database_url(env.database, "--database");
  } else if (env.database.empty()) {
    throw Error(ErrorKind::kConfig, config.config_path + ":" + std::to_string(env.database_line) +
                                        ": environment '" + env.name + "' has no database",
                "add database = \"sqlite:app.db\" (or a postgres:// URL), or pass --database");
  } else {
    env.database = interpolate(env.database, env, config);
    check_database_url(env.database, config.config_path + ":" + std::to_string(env.database_line) +
                                         ": environment '" + env.name + "'");
  }
  env.database = anchor_sqlite_path(env.database, config.root);
  return env;
}

}  // namespace trellis
