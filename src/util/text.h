// text.h — small string helpers that know nothing of migrations.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace trellis {

std::string_view trim(std::string_view s);
bool starts_with(std::string_view s, std::string_view prefix);
std::vector<std::string> split_list(std::string_view s, char sep);  // trimmed, empty dropped
std::string join(const std::vector<std::string>& parts, std::string_view sep);

// 1-based line number of byte `offset` in `text`, counting from `first_line`.
int line_at(std::string_view text, std::size_t offset, int first_line);

// Levenshtein distance, for "did you mean" suggestions.
int edit_distance(std::string_view a, std::string_view b);
// The name of `names` nearest to `word` (at most 2 edits away, and fewer than its length),
// or "" when none is near enough to be worth suggesting.
std::string closest_name(std::string_view word, const std::vector<std::string>& names);

// Reads a whole file; throws Error(kIo) naming it.
std::string read_file(const std::string& path);
// Writes atomically (temp file + rename); throws Error(kIo).
void write_file(const std::string& path, std::string_view content);

}  // namespace trellis
