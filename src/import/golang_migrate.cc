// golang-migrate: NNN_name.up.sql / NNN_name.down.sql in one directory. Versions are
// unsigned integers ("001" and "1" are the same version) applied in integer order. The
// PostgreSQL driver sends a file as one multi-statement query, which PostgreSQL runs as
// one implicit transaction; a file of a single statement that cannot run in a
// transaction (CREATE INDEX CONCURRENTLY) runs on its own.
#include <algorithm>
#include <map>

#include "import/source.h"
#include "import/source_files.h"
#include "util/text.h"

namespace trellis::imports {
namespace {

struct Parsed {
  std::string version, name, direction;
};

// golang-migrate's pattern: ^([0-9]+)_(.*)\.(down|up)\.(.*)$ (the name up to the last
// ".up." or ".down.").
bool parse_name(const std::string& file, Parsed& out) {
  std::size_t digits = 0;
  while (digits < file.size() && file[digits] >= '0' && file[digits] <= '9') ++digits;
  if (digits == 0 || digits >= file.size() || file[digits] != '_') return false;
  for (const char* dir : {"up", "down"}) {
    std::string marker = std::string(".") + dir + ".";
    std::size_t at = file.rfind(marker);
    if (at == std::string::npos || at < digits + 1) continue;
    if (out.direction.empty() || at > file.rfind("." + out.direction + ".")) {
      out = Parsed{file.substr(0, digits), file.substr(digits + 1, at - digits - 1), dir};
    }
  }
  return !out.direction.empty();
}

void decide_transaction(SourceSection& s) {
  SqlShape shape = sql_shape(s.sql);
  s.transactional = !(shape.parsed && shape.statements == 1 && shape.needs_outside);
}

}  // namespace

Source read_golang_migrate(const std::string& dir, Problems& problems) {
  Source source;
  std::map<std::string, SourceMigration, bool (*)(const std::string&, const std::string&)> by_version(
      [](const std::string& a, const std::string& b) { return compare_integer_versions(a, b) < 0; });
  for (const std::string& file : list_names(dir, false)) {
    Parsed p;
    if (!parse_name(file, p)) {
      source.warnings.push_back(file + ": not a golang-migrate file name (NNN_name.up.sql); not imported");
      continue;
    }
    std::string path = path_join(dir, file);
    SourceMigration& m = by_version[p.version];
    SourceSection& section = p.direction == "up" ? m.up : m.down;
    if (section.present) {
      problems.add(path, 0, "version " + p.version + " has a second " + p.direction + " file (the first is " +
                                section.file + ")",
                   "golang-migrate versions are integers: \"001\" and \"1\" are the same version");
      continue;
    }
    if (!m.name.empty() && m.name != p.name) {
      problems.add(path, 0, "the up and down files of version " + p.version + " have different names ('" + m.name +
                                "' and '" + p.name + "')");
    }
    m.version = p.version;
    m.name = p.name;
    section.whole_file(read_file(path), path);
    decide_transaction(section);
    m.files.push_back(file);
    if (p.direction == "up") m.file = path;
  }
  for (auto& [version, m] : by_version) {
    if (!m.up.present) {
      problems.add(m.down.file, 0, "version " + version + " has a down file but no up file");
      continue;
    }
    source.migrations.push_back(std::move(m));
  }
  return source;
}

}  // namespace trellis::imports
