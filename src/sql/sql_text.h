// sql_text.h — the little text handling shared by the drivers: skipping the whitespace
// and comments before a statement (to find the line it starts on) and quoting literals
// for offline SQL. Statement boundaries always come from the database's own parser.
#pragma once

#include <string>
#include <string_view>

namespace trellis {

// Offset of the first character of `sql` that is not whitespace, a `--` line comment or
// a `/* */` block comment; sql.size() if there is none.
std::size_t skip_sql_trivia(std::string_view sql);

// 'text' with single quotes doubled.
std::string sql_literal(std::string_view text);

}  // namespace trellis
