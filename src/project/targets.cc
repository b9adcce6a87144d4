// Reads a fleet's targets file (trellis/targets.h). With config_loader.cc the project
// layer's includers of toml++.
#include "trellis/targets.h"

#include <toml++/toml.h>

#include <algorithm>
#include <filesystem>

#include "project/interpolate.h"
#include "trellis/diagnostic.h"
#include "trellis/error.h"
#include "util/text.h"

namespace trellis {
namespace {

class TargetsReader {
 public:
  explicit TargetsReader(std::string path) : path_(std::move(path)) {}

  std::vector<FleetTarget> read(const toml::table& root) {
    std::vector<FleetTarget> targets;
    for (auto&& [key, node] : root) {
      std::string k(key.str());
      if (k != "target") fail(line_of(node), "unknown section [" + k + "] (a targets file holds [target.NAME] tables)");
      if (!node.is_table()) fail(line_of(node), "'target' must be a table of [target.NAME] tables");
      for (auto&& [name, table] : *node.as_table()) targets.push_back(read_target(std::string(name.str()), table));
    }
    if (targets.empty()) {
      fail(0, "no targets", "add one table per database: [target.eu1] database = \"postgresql://...\"");
    }
    // toml++ keeps a table's keys sorted: the file's order is the order of their lines.
    std::stable_sort(targets.begin(), targets.end(), [](const FleetTarget& a, const FleetTarget& b) { return a.line < b.line; });
    return targets;
  }

 private:
  static int line_of(const toml::node& node) { return static_cast<int>(node.source().begin.line); }

  [[noreturn]] void fail(int line, const std::string& message, const std::string& hint = {}) const {
    throw Error(ErrorKind::kConfig, {error_at("config", path_, line, message, hint)}, hint);
  }

  std::string string_of(const toml::node& node, const std::string& key, const std::string& target) const {
    if (!node.is_string()) fail(line_of(node), "target '" + target + "': '" + key + "' must be a string");
    std::string value = node.as_string()->get();
    if (value.empty()) fail(line_of(node), "target '" + target + "': '" + key + "' is empty");
    return value;
  }

  FleetTarget read_target(const std::string& name, const toml::node& node) const {
    if (!node.is_table()) fail(line_of(node), "target '" + name + "' must be a table: [target." + name + "]");
    FleetTarget t;
    t.name = name;
    t.file = path_;
    t.line = line_of(node);
    bool has_database = false;
    for (auto&& [key, value] : *node.as_table()) {
      std::string k(key.str());
      if (k == "database") {
        t.line = line_of(value);
        std::string where = path_ + ":" + std::to_string(t.line) + ": target '" + name + "': ";
        t.database = interpolate_variables(string_of(value, k, name), where, "database");
        has_database = true;
      } else if (k == "env") {
        t.env = string_of(value, k, name);
      } else {
        fail(line_of(value), "target '" + name + "': unknown key '" + k + "' (known: database, env)");
      }
    }
    if (!has_database) {
      fail(t.line, "target '" + name + "' has no database",
           "add database = \"postgresql://...\" (or sqlite:PATH) to [target." + name + "]");
    }
    return t;
  }

  std::string path_;
};

}  // namespace

std::vector<FleetTarget> load_targets(const std::string& path) {
  if (!std::filesystem::is_regular_file(path)) {
    throw Error(ErrorKind::kConfig, {error_at("config", path, 0, "no such targets file")},
                "pass --targets FILE: a TOML file with one [target.NAME] table per database");
  }
  toml::table root;
  try {
    root = toml::parse(read_file(path), path);
  } catch (const toml::parse_error& e) {
    Diagnostic d = error_at("config", path, static_cast<int>(e.source().begin.line), std::string(e.description()));
    d.column = static_cast<int>(e.source().begin.column);
    throw Error(ErrorKind::kConfig, {std::move(d)});
  }
  return TargetsReader(path).read(root);
}

}  // namespace trellis
