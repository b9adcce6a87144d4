// Diesel: a directory per migration, <version>_<name>/ with up.sql and down.sql (down.sql
// may be absent: forward-only), and optionally metadata.toml. Diesel orders migrations by
// comparing their version strings ("2" after "10"); a duplicate version is an error. Each
// runs in a transaction unless metadata.toml says run_in_transaction = false.
#include <algorithm>
#include <set>

#include "import/source.h"
#include "import/source_files.h"
#include "import/toml_file.h"
#include "util/text.h"

namespace trellis::imports {

Source read_diesel(const std::string& dir, Problems& problems) {
  Source source;
  std::set<std::string> versions;
  for (const std::string& name : list_names(dir, true)) {
    std::string path = path_join(dir, name);
    std::string up = path_join(path, "up.sql"), down = path_join(path, "down.sql");
    if (!is_file(up)) {
      if (name.find('_') != std::string::npos) problems.add(path, 0, "no up.sql in this Diesel migration directory");
      continue;
    }
    std::size_t sep = name.find('_');
    SourceMigration m;
    m.version = name.substr(0, sep);
    m.name = sep == std::string::npos ? "migration" : name.substr(sep + 1);
    m.file = up;
    if (!versions.insert(m.version).second) {
      problems.add(path, 0, "version " + m.version + " is used by two directories", "Diesel records each version once");
      continue;
    }
    m.up.whole_file(read_file(up), up);
    m.files.push_back(name + "/up.sql");
    if (is_file(down)) {
      m.down.whole_file(read_file(down), down);
      m.files.push_back(name + "/down.sql");
    }
    std::string meta = path_join(path, "metadata.toml");
    if (is_file(meta)) {
      m.files.push_back(name + "/metadata.toml");
      for (const TomlEntry& e : read_toml_entries(meta, problems)) {
        if (e.key == "run_in_transaction" && e.boolean) {
          m.up.transactional = m.down.transactional = *e.boolean;
        } else {
          problems.add(meta, e.line, "unknown metadata '" + e.key + "' (known: run_in_transaction = true|false)");
        }
      }
    }
    source.migrations.push_back(std::move(m));
  }
  std::stable_sort(source.migrations.begin(), source.migrations.end(),
                   [](const SourceMigration& a, const SourceMigration& b) { return a.version < b.version; });
  // Versions are kept as Trellis numbers only when all are digits and their string order is
  // their integer order.
  for (std::size_t i = 0; i < source.migrations.size(); ++i) {
    if (!all_digits(source.migrations[i].version) ||
        (i > 0 && compare_integer_versions(source.migrations[i - 1].version, source.migrations[i].version) >= 0)) {
      source.keep_numbers = false;
    }
  }
  return source;
}

}  // namespace trellis::imports
