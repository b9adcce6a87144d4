// Reads trellis.toml. The project layer's only includer of toml++ (src/import/toml_file.cc
// reads the small TOML files of other tools).
#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <sstream>
#include <string_view>

#include "trellis/error.h"
#include "trellis/project.h"
#include "trellis/schema.h"
#include "util/text.h"

namespace trellis {
namespace {

const char* kConfigFile = "trellis.toml";

class ConfigReader {
 public:
  explicit ConfigReader(Config& config) : c_(config) {}

  void read(const toml::table& root) {
    for (auto&& [key, node] : root) {
      std::string k(key.str());
      if (k == "project") read_project(table_of(node, k));
      else if (k == "defaults") read_settings(table_of(node, k), c_.defaults, "defaults");
      else if (k == "env") read_envs(table_of(node, k));
      else if (k == "lint") read_lint(table_of(node, k));
      else if (k == "drift") read_drift(table_of(node, k));
      else fail(node, "unknown section [" + k + "] (known: project, defaults, env, lint, drift)");
    }
  }

 private:
  [[noreturn]] void fail(const toml::node& node, const std::string& message) {
    int line = static_cast<int>(node.source().begin.line);
    throw Error(ErrorKind::kConfig, {error_at("config", kConfigFile, line, message)});
  }

  const toml::table& table_of(const toml::node& node, const std::string& name) {
    if (!node.is_table()) fail(node, "'" + name + "' must be a table");
    return *node.as_table();
  }

  std::string string_of(const toml::node& node, const std::string& name) {
    if (!node.is_string()) fail(node, "'" + name + "' must be a string");
    return node.as_string()->get();
  }

  void read_project(const toml::table& t) {
    for (auto&& [key, node] : t) {
      std::string k(key.str());
      if (k == "migrations") c_.migrations_dir = string_of(node, k);
      else if (k == "state_schema") c_.state_schema = string_of(node, k);
      else if (k == "default_env") {
        c_.default_env = string_of(node, k);
        c_.default_env_line = node.source().begin.line;
      }
      else fail(node, "unknown key '" + k + "' in [project] (known: migrations, state_schema, default_env)");
    }
  }

  // One rule for every duration setting: a string with its unit ("250ms", "3s", "2min",
  // "1h"), or 0 / "0" for none. Any other bare number is refused, quoted or not: 5 could
  // mean seconds or milliseconds.
  Millis duration_of(const toml::node& node, const std::string& name) {
    std::string text;
    if (node.is_integer()) text = std::to_string(node.as_integer()->get());
    else if (node.is_floating_point()) text = format_number(node.as_floating_point()->get());
    else text = string_of(node, name);
    if (text == "0") return Millis{0};
    if (!text.empty() && text.find_first_not_of("0123456789.") == std::string::npos) {
      fail(node, "'" + name + "' needs a unit: write \"" + text + "s\" or \"" + text +
                     "ms\" (only 0 may go without one, meaning none)");
    }
    auto d = parse_duration(text);
    if (!d) fail(node, "'" + name + "' is not a duration (e.g. \"500ms\", \"3s\", \"2min\", \"1h\", or 0 for none)");
    return *d;
  }

  static std::string format_number(double value) {
    std::ostringstream out;
    out << value;
    return out.str();
  }

  bool read_setting(const std::string& k, const toml::node& node, Settings& s) {
    if (k == "lock_timeout") s.lock_timeout = duration_of(node, k);
    else if (k == "statement_timeout") s.statement_timeout = duration_of(node, k);
    else if (k == "lock_wait") s.runner_lock_wait = duration_of(node, k);
    else if (k == "wait_replicas") s.wait_replicas = duration_of(node, k);
    else if (k == "max_replica_lag") s.max_replica_lag = duration_of(node, k);
    else if (k == "lease_ttl") {
      s.lease_ttl = duration_of(node, k);
      if (s.lease_ttl < Millis{1000}) fail(node, "'lease_ttl' must be at least 1s");
    } else if (k == "runner_lock") {
      s.runner_lock = string_of(node, k);
      if (s.runner_lock != "auto" && s.runner_lock != "advisory" && s.runner_lock != "lease") {
        fail(node, "'runner_lock' must be \"auto\", \"advisory\" or \"lease\"");
      }
    }
    else if (k == "scratch_database") {
      s.scratch_database = string_of(node, k);
      if (s.scratch_database.empty()) fail(node, "'scratch_database' is empty (leave it out to use the live server)");
      s.scratch_database_line = static_cast<int>(node.source().begin.line);
    }
    else if (k == "max_active_queries") {
      if (!node.is_integer() || node.as_integer()->get() < 0) {
        fail(node, "'max_active_queries' must be a whole number >= 0 (0: off)");
      }
      s.max_active_queries = static_cast<int>(node.as_integer()->get());
    } else if (k == "lock_retries") {
      if (!node.is_integer() || node.as_integer()->get() < 0) fail(node, "'lock_retries' must be a whole number >= 0");
      s.lock_retries = static_cast<int>(node.as_integer()->get());
    } else {
      return false;
    }
    return true;
  }

  void read_settings(const toml::table& t, Settings& s, const std::string& where) {
    for (auto&& [key, node] : t) {
      std::string k(key.str());
      if (!read_setting(k, node, s)) {
        fail(node, "unknown key '" + k + "' in [" + where +
                       "] (known: " + setting_keys() + ")");
      }
    }
  }

  void read_envs(const toml::table& t) {
    for (auto&& [key, node] : t) read_env(std::string(key.str()), table_of(node, "env"), node);
  }

  void read_env(const std::string& name, const toml::table& t, const toml::node& where) {
    Environment env;
    env.name = name;
    env.database_line = where.source().begin.line;
    // Environment-level settings override [defaults]; [defaults] may come later in the
    // file, so collect overrides and merge at the end.
    pending_overrides_.push_back({name, &t});
    for (auto&& [key, node] : t) {
      std::string k(key.str());
      if (k == "database") {
        env.database = string_of(node, k);
        env.database_line = node.source().begin.line;
      } else if (k == "features") {
        read_features(node, env);
      } else if (k == "allow_contract") {
        if (!node.is_boolean()) fail(node, "'allow_contract' must be true or false");
        env.allow_contract = node.as_boolean()->get();
      } else if (!is_setting_key(k)) {
        fail(node, "unknown key '" + k + "' in [env." + name +
                       "] (known: database, features, allow_contract, " + setting_keys() + ")");
      }
    }
    c_.environments[name] = std::move(env);
  }

  static constexpr std::array<std::string_view, 10> kSettings{
      "lock_timeout", "statement_timeout", "lock_retries", "lock_wait", "runner_lock",
      "lease_ttl",    "scratch_database",  "wait_replicas", "max_replica_lag", "max_active_queries"};
  static bool is_setting_key(const std::string& k) {
    return std::find(kSettings.begin(), kSettings.end(), k) != kSettings.end();
  }
  static std::string setting_keys() {
    std::string out;
    for (std::string_view k : kSettings) out += (out.empty() ? "" : ", ") + std::string(k);
    return out;
  }

  void read_features(const toml::node& node, Environment& env) {
    if (node.is_string() && node.as_string()->get() == "all") {
      env.all_features = true;
      return;
    }
    if (!node.is_array()) fail(node, "'features' must be \"all\" or a list of feature names");
    env.all_features = false;
    for (auto&& item : *node.as_array()) {
      env.features.insert(string_of(item, "features"));
      env.feature_lines.emplace_back(item.as_string()->get(), item.source().begin.line);
    }
  }

  void read_lint(const toml::table& t) {
    for (auto&& [key, node] : t) {
      std::string rule(key.str());
      if (rule == "dialect") {
        c_.lint.dialect = string_of(node, rule);
        if (c_.lint.dialect != "postgres" && c_.lint.dialect != "sqlite") {
          fail(node, "[lint] dialect must be \"postgres\" or \"sqlite\", not \"" + c_.lint.dialect + "\"");
        }
        continue;
      }
      if (rule == "postgres_version") {
        read_postgres_version(node);
        continue;
      }
      std::string level = string_of(node, rule);
      if (level != "error" && level != "warning" && level != "off") {
        fail(node, "lint level of '" + rule + "' must be \"error\", \"warning\" or \"off\"");
      }
      c_.lint.severity[rule] = level;
    }
  }

  // [lint] postgres_version = 15: a major version, as PostgreSQL numbers them since 10
  // (9 stands for any 9.x).
  void read_postgres_version(const toml::node& node) {
    auto value = node.is_integer() ? node.as_integer()->get() : 0;
    if (!node.is_integer() || value < 9 || value > 99) {
      fail(node, "[lint] postgres_version must be a PostgreSQL major version, a whole number from 9 to 99 (e.g. 15)");
    }
    c_.lint.postgres_version = static_cast<int>(value);
  }

  // [drift] ignore = ["table:audit_*", ...]: each pattern checked here, with its line.
  void read_drift(const toml::table& t) {
    for (auto&& [key, node] : t) {
      std::string k(key.str());
      if (k != "ignore") fail(node, "unknown key '" + k + "' in [drift] (known: ignore)");
      if (!node.is_array()) fail(node, "'ignore' must be a list of object patterns, e.g. [\"table:audit_*\"]");
      for (auto&& item : *node.as_array()) {
        std::string pattern = string_of(item, "ignore");
        int line = static_cast<int>(item.source().begin.line);
        try {
          check_object_pattern(pattern, "[drift] ignore");
        } catch (const Error& e) {
          fail(item, e.diagnostics().front().message);
        }
        c_.drift.ignore.emplace_back(std::move(pattern), line);
      }
    }
  }

 public:
  void merge_overrides() {
    for (auto& [name, table] : pending_overrides_) {
      Settings s = c_.defaults;
      for (auto&& [key, node] : *table) read_setting(std::string(key.str()), node, s);
      c_.environments[name].settings = s;
    }
  }

 private:
  Config& c_;
  std::vector<std::pair<std::string, const toml::table*>> pending_overrides_;
};

void check_default_env(const Config& c) {
  if (c.default_env.empty() || c.environments.count(c.default_env) > 0) return;
  std::vector<std::string> names;
  for (const auto& [name, env] : c.environments) names.push_back(name);
  std::string guess = closest_name(c.default_env, names);
  std::string hint =
      "define [env." + c.default_env + "], or set default_env to one of the environments";
  throw Error(
      ErrorKind::kConfig,
      {error_at("config", kConfigFile, c.default_env_line,
                "default_env '" + c.default_env + "' is not an environment" +
                    (guess.empty() ? "" : "; did you mean \"" + guess + "\"?") +
                    " (environments: " + (names.empty() ? "none defined" : join(names, ", ")) + ")",
                hint)},
      hint);
}

// Line `n` (1-based) of `text`, without its line break; "" past the end.
std::string line_at(const std::string& text, int n) {
  std::size_t begin = 0;
  for (int i = 1; i < n && begin != std::string::npos; ++i) {
    begin = text.find('\n', begin);
    if (begin != std::string::npos) ++begin;
  }
  if (begin == std::string::npos || begin > text.size()) return "";
  std::size_t end = text.find('\n', begin);
  std::string out = text.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
  if (!out.empty() && out.back() == '\r') out.pop_back();
  return out;
}

}  // namespace

Config load_config(const std::string& root) {
  Config config;
  config.root = root;
  config.config_path = kConfigFile;
  std::string path = (std::filesystem::path(root) / kConfigFile).string();
  if (!std::filesystem::exists(path)) {
    throw Error(ErrorKind::kConfig, "no trellis.toml in " + root,
                "run 'trellis init' to create a project, or pass -C DIR");
  }
  std::string text = read_file(path);
  toml::table root_table;
  try {
    root_table = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    int line = static_cast<int>(e.source().begin.line);
    std::string hint =
        "check that line and the one before it: a string needs double quotes (database = \"sqlite:dev.db\"), a "
        "table header is [name] or [env.NAME] on a line of its own, an array is [\"a\", \"b\"], and each key "
        "is set once";
    int column = static_cast<int>(e.source().begin.column);
    Diagnostic d = error_at("config", kConfigFile, line,
                            "TOML syntax error at column " + std::to_string(column) + ": " + std::string(e.description()),
                            hint);
    d.column = column;
    d.source = line_at(text, line);
    throw Error(ErrorKind::kConfig, {std::move(d)}, hint);
  }
  ConfigReader reader(config);
  reader.read(root_table);
  reader.merge_overrides();
  check_default_env(config);
  return config;
}

}  // namespace trellis
