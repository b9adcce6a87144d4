// source_files.h — what every reader of src/import needs: directory listings, lines with
// their numbers, version orders, and what a section's SQL needs of a transaction.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace trellis::imports {

// Names in `dir`, sorted bytewise: files or directories. Throws Error(kUsage) when `dir`
// is not a readable directory.
std::vector<std::string> list_names(const std::string& dir, bool directories);
// Files under `dir` at any depth, as paths relative to it, sorted.
std::vector<std::string> list_files_deep(const std::string& dir);
bool is_file(const std::string& path);
// `s` in double quotes, `"` and `\` escaped and control characters as \uXXXX: a TOML
// basic string and a JSON string alike.
std::string quoted_string(const std::string& s);
std::string path_join(const std::string& dir, const std::string& name);

struct TextLine {
  std::string_view text;        // without its line break
  std::string_view with_break;  // with it, when it has one
  int number = 0;               // 1-based
};
std::vector<TextLine> lines_of(std::string_view content);
bool blank_or_comment(std::string_view line);  // blank, or a `--` comment
bool all_digits(std::string_view s);

// Flyway's version order: parts separated by '.' (or '_' in file names) compared as
// integers, a missing part counting as 0 ("1.1" < "1.10", "1" == "1.0").
bool flyway_version_valid(std::string_view version);
int compare_flyway_versions(std::string_view a, std::string_view b);
// Integer order of digit strings of any width ("007" == "7" < "10").
int compare_integer_versions(std::string_view a, std::string_view b);

// What PostgreSQL's parser says of a section: how many statements, and whether one of
// them cannot run inside a transaction block. `parsed` is false for SQL it does not take
// (another dialect, psql meta-commands): then nothing is known.
struct SqlShape {
  bool parsed = false;
  int statements = 0;
  bool needs_outside = false;
};
SqlShape sql_shape(std::string_view sql);

}  // namespace trellis::imports
