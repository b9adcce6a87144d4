// The importer's one includer of toml++.
#include "import/toml_file.h"

#include <toml++/toml.h>

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
