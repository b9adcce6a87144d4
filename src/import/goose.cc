// goose (SQL migrations): VERSION_name.sql, versions int64 in integer order. `-- +goose Up`
// and `-- +goose Down` open the sections; `-- +goose StatementBegin/End` group a
// statement (Trellis splits with PostgreSQL's parser, so they are kept as plain comments,
// their '+' removed); `-- +goose NO TRANSACTION` runs both sections outside a transaction.
// A file without a Down section rolls back by running nothing.
#include <map>

#include "import/source.h"
#include "import/source_files.h"
#include "util/text.h"

namespace trellis::imports {
namespace {

// The annotation after "-- +goose", or "" when the line is not one.
std::string annotation(std::string_view line) {
  std::string_view t = trim(line);
  if (!starts_with(t, "--")) return "";
  t = trim(t.substr(2));
  if (!starts_with(t, "+goose")) return "";
  return std::string(trim(t.substr(6)));
}

void read_one(const std::string& path, SourceMigration& m, Problems& problems) {
  std::string content = read_file(path);
  SourceSection* current = nullptr;
  bool no_tx = false;
  for (const TextLine& line : lines_of(content)) {
    std::string a = annotation(line.text);
    if (a == "Up" || a == "Down") {
      SourceSection& s = a == "Up" ? m.up : m.down;
      if (s.present) problems.add(path, line.number, "second '-- +goose " + a + "'");
      if (a == "Up" && m.down.present) problems.add(path, line.number, "'-- +goose Up' after '-- +goose Down'");
      s.present = true;
      s.file = path;
      current = &s;
      continue;
    }
    if (a == "NO TRANSACTION") {
      no_tx = true;
      continue;
    }
    if (starts_with(a, "ENVSUB")) {
      problems.add(path, line.number, "'-- +goose " + a + "': goose substitutes environment variables here",
                   "Trellis runs SQL as written: replace the ${VARS} by their values, then import again");
      continue;
    }
    if (!a.empty() && a != "StatementBegin" && a != "StatementEnd") {
      problems.add(path, line.number, "unknown goose annotation '-- +goose " + a + "'");
      continue;
    }
    if (current == nullptr) {
      if (!blank_or_comment(line.text)) problems.add(path, line.number, "SQL before '-- +goose Up'");
      // A comment before the Up section is kept in the header, made a plain comment there.
      else if (!trim(line.text).empty()) m.comments.push_back("before goose Up: " + std::string(trim(line.text)));
      continue;
    }
    if (!a.empty()) {  // StatementBegin/End: kept as a plain comment
      std::string text(line.with_break);
      text.erase(text.find('+'), 1);
      current->add_line(text, line.number);
      continue;
    }
    current->add_line(line.with_break, line.number);
  }
  if (!m.up.present) problems.add(path, 0, "no '-- +goose Up' annotation", "goose needs '-- +goose Up' before the SQL");
  if (!m.down.present) {
    m.down.present = true;  // goose rolls such a migration back by running nothing
    m.down.file = path;
    m.notes.push_back("no Down section: goose rolls it back by running nothing; so does Trellis");
  }
  m.up.transactional = m.down.transactional = !no_tx;
}

}  // namespace

Source read_goose(const std::string& dir, Problems& problems) {
  Source source;
  std::map<std::string, SourceMigration, bool (*)(const std::string&, const std::string&)> by_version(
      [](const std::string& a, const std::string& b) { return compare_integer_versions(a, b) < 0; });
  for (const std::string& file : list_names(dir, false)) {
    std::size_t digits = 0;
    while (digits < file.size() && file[digits] >= '0' && file[digits] <= '9') ++digits;
    std::string path = path_join(dir, file);
    bool go = file.size() > 3 && file.substr(file.size() - 3) == ".go";
    bool sql = file.size() > 4 && file.substr(file.size() - 4) == ".sql";
    if (digits == 0 || digits >= file.size() || file[digits] != '_' || (!go && !sql)) {
      if (sql || go) source.warnings.push_back(file + ": not a goose file name (VERSION_name.sql); not imported");
      continue;
    }
    if (go) {
      problems.add(path, 0, "a Go migration: import takes goose's SQL migrations only",
                   "write what it does as SQL (VERSION_name.sql with -- +goose Up), then import again");
      continue;
    }
    std::string version = file.substr(0, digits);
    if (by_version.count(version) != 0) {
      problems.add(path, 0, "version " + version + " is used by two files (the other is " +
                                by_version[version].file + ")");
      continue;
    }
    SourceMigration& m = by_version[version];
    m.version = version;
    m.name = file.substr(digits + 1, file.size() - 4 - digits - 1);
    m.file = path;
    m.files.push_back(file);
    read_one(path, m, problems);
  }
  for (auto& entry : by_version) source.migrations.push_back(std::move(entry.second));
  return source;
}

}  // namespace trellis::imports
