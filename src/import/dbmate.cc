// dbmate: one file per migration, VERSION_name.sql (VERSION its leading digits), applied in
// the order of the file names; `-- migrate:up` and `-- migrate:down` open the sections,
// each run in a transaction unless its marker says `transaction:false`.
#include <set>

#include "import/source.h"
#include "import/source_files.h"
#include "util/text.h"

namespace trellis::imports {
namespace {

// "-- migrate:up transaction:false" -> "up", options in `options`; "" when not a marker.
std::string marker(std::string_view line, std::string& options) {
  std::string_view t = trim(line);
  if (!starts_with(t, "--")) return "";
  t = trim(t.substr(2));
  for (const char* dir : {"up", "down"}) {
    std::string word = std::string("migrate:") + dir;
    if (starts_with(t, word) && (t.size() == word.size() || t[word.size()] == ' ' || t[word.size()] == '\t')) {
      options = std::string(trim(t.substr(word.size())));
      return dir;
    }
  }
  return "";
}

void read_one(const std::string& path, SourceMigration& m, Problems& problems) {
  std::string content = read_file(path);
  SourceSection* current = nullptr;
  for (const TextLine& line : lines_of(content)) {
    std::string options;
    std::string dir = marker(line.text, options);
    if (!dir.empty()) {
      SourceSection& s = dir == "up" ? m.up : m.down;
      if (s.present) problems.add(path, line.number, "second '-- migrate:" + dir + "' block");
      if (dir == "up" && m.down.present) problems.add(path, line.number, "'-- migrate:up' after '-- migrate:down'");
      s.present = true;
      s.file = path;
      for (const auto& option : split_list(options, ' ')) {
        if (option == "transaction:false") s.transactional = false;
        else if (option != "transaction:true") {
          problems.add(path, line.number, "unknown dbmate option '" + option + "' (known: transaction:false)");
        }
      }
      current = &s;
      continue;
    }
    if (current == nullptr) {
      if (!blank_or_comment(line.text)) {
        problems.add(path, line.number, "SQL before '-- migrate:up'",
                     "dbmate runs only what is inside the '-- migrate:up' and '-- migrate:down' blocks");
      }
      // A comment before the up block is kept in the header, made a plain comment there.
      if (!trim(line.text).empty()) m.comments.push_back("before migrate:up: " + std::string(trim(line.text)));
      continue;
    }
    current->add_line(line.with_break, line.number);
  }
  if (!m.up.present) {
    problems.add(path, 0, "no '-- migrate:up' block", "dbmate needs one: '-- migrate:up' on its own line before the SQL");
  }
}

}  // namespace

Source read_dbmate(const std::string& dir, Problems& problems) {
  Source source;
  std::set<std::string> versions;
  for (const std::string& file : list_names(dir, false)) {  // sorted by name, as dbmate does
    if (file.size() < 5 || file.substr(file.size() - 4) != ".sql") continue;
    std::size_t digits = 0;
    while (digits < file.size() && file[digits] >= '0' && file[digits] <= '9') ++digits;
    std::string path = path_join(dir, file);
    if (digits == 0) {
      source.warnings.push_back(file + ": no leading version digits; dbmate ignores it, so does import");
      continue;
    }
    SourceMigration m;
    m.version = file.substr(0, digits);
    std::string rest = file.substr(digits, file.size() - 4 - digits);
    m.name = starts_with(rest, "_") ? rest.substr(1) : rest;
    if (m.name.empty()) m.name = "migration";
    m.file = path;
    m.files.push_back(file);
    if (!versions.insert(m.version).second) {
      problems.add(path, 0, "version " + m.version + " is used by two files", "dbmate records each version once");
      continue;
    }
    read_one(path, m, problems);
    source.migrations.push_back(std::move(m));
  }
  // dbmate orders by file name; Trellis keeps the versions as numbers only when that is the
  // same order as their integer value.
  for (std::size_t i = 1; i < source.migrations.size(); ++i) {
    if (compare_integer_versions(source.migrations[i - 1].version, source.migrations[i].version) >= 0) {
      source.keep_numbers = false;
    }
  }
  return source;
}

}  // namespace trellis::imports
