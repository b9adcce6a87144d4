// Flyway (SQL migrations, default naming): V<version>__<description>.sql versioned,
// U<version>__<description>.sql its undo, R__<description>.sql repeatable, found at any
// depth. Versions are compared numerically part by part ('.' or '_' between parts, a
// missing part is 0: 1.1 < 1.10, and 1 == 1.0 is a duplicate). A script runs in a
// transaction unless its <script>.conf says executeInTransaction=false or a statement
// cannot run in one (Flyway detects those too). Repeatables run after every versioned
// migration, in description order; Trellis runs them once.
#include <algorithm>
#include <map>

#include "import/source.h"
#include "import/source_files.h"
#include "util/text.h"

namespace trellis::imports {
namespace {

struct Script {
  char kind = 0;  // 'V', 'U', 'R'
  std::string version, description, file;
};

bool parse_script(const std::string& rel, Script& out) {
  std::string file = rel.substr(rel.rfind('/') == std::string::npos ? 0 : rel.rfind('/') + 1);
  if (file.size() < 8 || file.substr(file.size() - 4) != ".sql") return false;
  char kind = file[0];
  if (kind != 'V' && kind != 'U' && kind != 'R') return false;
  std::size_t sep = file.find("__");
  if (sep == std::string::npos) return false;
  out = Script{kind, file.substr(1, sep - 1), file.substr(sep + 2, file.size() - 4 - sep - 2), rel};
  return true;
}

// executeInTransaction from `path`.conf (a properties file), true without one.
bool execute_in_transaction(const std::string& path, Problems& problems) {
  std::string conf = path + ".conf";
  if (!is_file(conf)) return true;
  bool value = true;
  std::string text = read_file(conf);  // lines_of() views it
  for (const TextLine& line : lines_of(text)) {
    std::string_view t = trim(line.text);
    if (t.empty() || t.front() == '#' || t.front() == '!') continue;
    auto eq = t.find_first_of("=:");
    std::string_view key = trim(t.substr(0, eq));
    std::string_view v = eq == std::string_view::npos ? "" : trim(t.substr(eq + 1));
    if (key != "executeInTransaction") {
      problems.add(conf, line.number, "unknown script setting '" + std::string(key) + "' (known: executeInTransaction)");
    } else if (v == "false" || v == "true") {
      value = v == "true";
    } else {
      problems.add(conf, line.number, "executeInTransaction must be true or false, not '" + std::string(v) + "'");
    }
  }
  return value;
}

void load(SourceSection& s, const std::string& path, Problems& problems) {
  s.whole_file(read_file(path), path);
  bool in_tx = execute_in_transaction(path, problems);
  s.transactional = in_tx && !sql_shape(s.sql).needs_outside;
}

}  // namespace

Source read_flyway(const std::string& dir, Problems& problems) {
  Source source;
  auto by_version_less = [](const std::string& a, const std::string& b) { return compare_flyway_versions(a, b) < 0; };
  std::map<std::string, SourceMigration, decltype(by_version_less)> versioned(by_version_less);
  std::map<std::string, SourceMigration> undo_only;
  std::vector<SourceMigration> repeatables;
  for (const std::string& rel : list_files_deep(dir)) {
    Script s;
    if (!parse_script(rel, s)) continue;
    std::string path = path_join(dir, rel);
    if (s.kind == 'R') {
      if (!s.version.empty()) {
        problems.add(path, 0, "a repeatable migration has no version: R__" + s.description + ".sql");
        continue;
      }
      SourceMigration m;
      m.version = "R__" + s.description;
      m.name = s.description;
      m.file = path;
      m.files.push_back(rel);
      load(m.up, path, problems);
      m.comments.push_back("flyway repeatable: Trellis runs it once; to change it later, write a new migration");
      m.notes.push_back("repeatable (R__): runs once, after the versioned migrations");
      repeatables.push_back(std::move(m));
      continue;
    }
    if (s.version.empty() || !flyway_version_valid(s.version)) {
      problems.add(path, 0, "'" + s.version + "' is not a Flyway version (digits separated by '.' or '_')");
      continue;
    }
    if (s.kind == 'U') {
      if (!undo_only[s.version].files.empty()) {
        problems.add(path, 0, "a second undo script of version " + s.version + " (the first is " +
                                  undo_only[s.version].file + ")");
        continue;
      }
      undo_only[s.version].files.push_back(rel);
      undo_only[s.version].file = path;
      undo_only[s.version].name = s.description;
      continue;
    }
    auto found = versioned.find(s.version);
    if (found != versioned.end()) {
      problems.add(path, 0, "version " + s.version + " is also " + found->second.file,
                   "Flyway compares versions numerically: 1, 1.0 and 01 are the same version");
      continue;
    }
    SourceMigration& m = versioned[s.version];
    m.version = s.version;
    m.name = s.description;
    m.file = path;
    m.files.push_back(rel);
    load(m.up, path, problems);
  }
  for (auto& [version, u] : undo_only) {
    auto found = versioned.find(version);
    if (found == versioned.end()) {
      problems.add(u.file, 0, "undo script of version " + version + ", which has no V" + version + "__ script");
      continue;
    }
    if (found->second.down.present) {
      problems.add(u.file, 0, "a second undo script of version " + version + " (the first is " + found->second.down.file + ")");
      continue;
    }
    load(found->second.down, u.file, problems);
    found->second.files.push_back(u.files.front());
  }
  for (auto& entry : versioned) source.migrations.push_back(std::move(entry.second));
  std::sort(repeatables.begin(), repeatables.end(),
            [](const SourceMigration& a, const SourceMigration& b) { return a.name < b.name; });
  if (!repeatables.empty()) {
    source.warnings.push_back(std::to_string(repeatables.size()) +
                              " repeatable migration(s) (R__) imported to run once, after the versioned ones; "
                              "Trellis does not re-run a changed file: it reports it as edited");
  }
  for (auto& r : repeatables) source.migrations.push_back(std::move(r));
  for (const auto& m : source.migrations) {
    if (!all_digits(m.version)) source.keep_numbers = false;
  }
  return source;
}

}  // namespace trellis::imports
