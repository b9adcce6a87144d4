// table.h — laying out a table of text cells: columns sized to their content, a cell's
// own line breaks kept inside its column, and the last column wrapped at spaces so that
// a line stays within a width wherever the content allows.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace trellis::cli {

inline constexpr std::size_t kTableWidth = 100;

// Visible width: escape sequences count zero, a UTF-8 character one.
std::size_t visible_width(const std::string& s);

// `text` broken at spaces into lines of at most `width` visible columns; a word longer
// than that stays whole on a line of its own. A line break in `text` stays one, and the
// lines that wrapping adds are indented by two spaces.
std::vector<std::string> wrap_text(const std::string& text, std::size_t width);

// The lines of `header` and `rows` laid out, each starting with two spaces, columns two
// spaces apart, no trailing blanks. Columns before the last are as wide as their widest
// line; the last one is wrapped so that a line fits in `max_width` columns, but never
// narrower than 24 columns (or its content): ids are not broken.
std::vector<std::string> layout_table(const std::vector<std::string>& header,
                                      const std::vector<std::vector<std::string>>& rows,
                                      std::size_t max_width = kTableWidth);

}  // namespace trellis::cli
