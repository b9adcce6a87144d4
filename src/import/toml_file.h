// toml_file.h — the top-level keys of a small TOML file (Diesel's metadata.toml, the DAG
// form's migration.toml), without exposing toml++.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "import/source.h"

namespace trellis::imports {

struct TomlEntry {
  std::string key;
  int line = 0;
  std::optional<bool> boolean;
  std::optional<std::string> text;
  std::optional<std::vector<std::string>> list;  // an array of strings
};

// The top-level entries of the TOML file at `path`; a syntax error, or a value that is not
// a boolean, a string or an array of strings, is added to `problems`.
std::vector<TomlEntry> read_toml_entries(const std::string& path, Problems& problems);

}  // namespace trellis::imports
