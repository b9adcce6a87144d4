// The generic DAG form: a directory per migration, DIR/<name>/ with up.sql, optionally
// down.sql (forward-only without), and migration.toml:
//   parents = ["a", "b"]     # migrations this one needs (default: none)
//   feature = "billing"      # optional; default: its first parent's, else --feature
//   transaction = false      # optional; both sections outside a transaction
// The order is topological, ties broken by name. Each feature's migrations form its chain
// in that order; parents in other features become `requires`.
#include <algorithm>
#include <map>
#include <set>

#include "import/source.h"
#include "import/source_files.h"
#include "import/toml_file.h"
#include "util/text.h"

namespace trellis::imports {
namespace {

struct Node {
  SourceMigration m;
  std::vector<std::string> parents;
  int parents_line = 0;
  std::string meta;
};

}  // namespace

Source read_dag(const std::string& dir, Problems& problems) {
  Source source;
  source.keep_numbers = false;
  std::map<std::string, Node> nodes;
  for (const std::string& name : list_names(dir, true)) {
    std::string path = path_join(dir, name);
    std::string up = path_join(path, "up.sql"), down = path_join(path, "down.sql"), meta = path_join(path, "migration.toml");
    if (!is_file(up)) {
      problems.add(path, 0, "no up.sql in this migration directory");
      continue;
    }
    Node n;
    n.m.version = n.m.name = name;
    n.m.file = up;
    n.meta = meta;
    n.m.up.whole_file(read_file(up), up);
    n.m.files.push_back(name + "/up.sql");
    if (is_file(down)) {
      n.m.down.whole_file(read_file(down), down);
      n.m.files.push_back(name + "/down.sql");
    }
    if (is_file(meta)) {
      n.m.files.push_back(name + "/migration.toml");
      for (const TomlEntry& e : read_toml_entries(meta, problems)) {
        if (e.key == "parents" && e.list) {
          n.parents = *e.list;
          n.parents_line = e.line;
        } else if (e.key == "feature" && e.text) {
          n.m.feature = *e.text;
        } else if (e.key == "transaction" && e.boolean) {
          n.m.up.transactional = n.m.down.transactional = *e.boolean;
        } else {
          problems.add(meta, e.line, "unknown or mistyped key '" + e.key +
                                         "' (known: parents = [\"name\", …], feature = \"name\", transaction = false)");
        }
      }
    }
    nodes.emplace(name, std::move(n));
  }
  for (auto& [name, n] : nodes) {
    for (const auto& parent : n.parents) {
      if (nodes.count(parent) == 0) problems.add(n.meta, n.parents_line, "parent '" + parent + "' is not a migration of " + dir);
    }
  }
  if (!problems.empty()) return source;
  // Kahn's algorithm, the smallest ready name first.
  std::map<std::string, std::size_t> index;
  std::map<std::string, int> waiting;
  for (auto& [name, n] : nodes) waiting[name] = static_cast<int>(std::set<std::string>(n.parents.begin(), n.parents.end()).size());
  std::set<std::string> ready;
  for (auto& [name, count] : waiting) {
    if (count == 0) ready.insert(name);
  }
  while (!ready.empty()) {
    std::string name = *ready.begin();
    ready.erase(ready.begin());
    Node& n = nodes.at(name);
    for (const auto& parent : n.parents) n.m.parents.push_back(index.at(parent));
    index[name] = source.migrations.size();
    source.migrations.push_back(n.m);
    for (auto& [child, c] : nodes) {
      if (std::find(c.parents.begin(), c.parents.end(), name) != c.parents.end() && --waiting[child] == 0) {
        ready.insert(child);
      }
    }
  }
  for (auto& [name, n] : nodes) {
    if (index.count(name) == 0) {
      problems.add(n.meta, n.parents_line, "'" + name + "' is on a cycle of parents");
    }
  }
  return source;
}

}  // namespace trellis::imports
