// The importer's one includer of toml++.
#include "import/toml_file.h"

#include <toml++/toml.h>

#include "import/source_files.h"
#include "trellis/error.h"
#include "trellis/import.h"

#include "util/text.h"

namespace trellis::imports {

std::vector<TomlEntry> read_toml_entries(const std::string& path, Problems& problems) {
  std::vector<TomlEntry> entries;
  toml::table table;
  try {
    table = toml::parse(read_file(path), path);
  } catch (const toml::parse_error& e) {
    problems.add(path, static_cast<int>(e.source().begin.line), std::string(e.description()));
    return entries;
  }
  for (const auto& [key, node] : table) {
    TomlEntry e;
    e.key = std::string(key.str());
    e.line = static_cast<int>(node.source().begin.line);
    if (auto b = node.value<bool>(); b && node.is_boolean()) {
      e.boolean = *b;
    } else if (node.is_string()) {
      e.text = *node.value<std::string>();
    } else if (const toml::array* arr = node.as_array(); arr != nullptr) {
      std::vector<std::string> items;
      for (const auto& item : *arr) {
        if (!item.is_string()) {
          problems.add(path, e.line, "'" + e.key + "' must be an array of strings");
          break;
        }
        items.push_back(*item.value<std::string>());
      }
      e.list = std::move(items);
    } else {
      problems.add(path, e.line, "'" + e.key + "' must be a boolean, a string or an array of strings");
      continue;
    }
    entries.push_back(std::move(e));
  }
  return entries;
}

}  // namespace trellis::imports

namespace trellis {

std::vector<ManifestEntry> read_import_manifest(const std::string& project_dir) {
  std::string path = imports::path_join(project_dir, ".trellis-import.toml");
  std::vector<ManifestEntry> out;
  if (!imports::is_file(path)) return out;
  toml::table table;
  try {
    table = toml::parse(read_file(path), path);
  } catch (const toml::parse_error& e) {
    throw Error(ErrorKind::kConfig, {error_at("config", ".trellis-import.toml", static_cast<int>(e.source().begin.line),
                                              std::string(e.description()))});
  }
  const toml::array* imports_array = table["import"].as_array();
  if (imports_array == nullptr) return out;
  for (const auto& node : *imports_array) {
    const toml::table* imp = node.as_table();
    if (imp == nullptr) continue;
    std::string tool = (*imp)["tool"].value_or(std::string());
    std::string history_table = (*imp)["history_table"].value_or(std::string());
    std::string history_schema = (*imp)["history_schema"].value_or(std::string());
    const toml::array* migrations = (*imp)["migration"].as_array();
    if (migrations == nullptr) continue;
    for (const auto& m : *migrations) {
      const toml::table* t = m.as_table();
      if (t == nullptr) continue;
      ManifestEntry e{tool, (*t)["id"].value_or(std::string()), (*t)["source_version"].value_or(std::string()), {},
                      history_table, history_schema};
      if (const toml::array* parents = (*t)["source_parents"].as_array()) {
        for (const auto& p : *parents) e.source_parents.push_back(p.value_or(std::string()));
      }
      out.push_back(std::move(e));
    }
  }
  return out;
}

bool same_source_version(const std::string& tool, const std::string& a, const std::string& b) {
  if (tool == "golang-migrate" || tool == "goose") {
    return imports::all_digits(a) && imports::all_digits(b) && imports::compare_integer_versions(a, b) == 0;
  }
  if (tool == "flyway" && imports::flyway_version_valid(a) && imports::flyway_version_valid(b)) {
    return imports::compare_flyway_versions(a, b) == 0;
  }
  return a == b;
}

}  // namespace trellis
