// pg_split.h — splitting a PostgreSQL section into statements with PostgreSQL's own parser
// (libpg_query), each with the file line it starts on.
#pragma once

#include <string_view>
#include <vector>

#include "trellis/statement.h"

namespace trellis::pg {

// Splits `sql`, whose first character is on file line `first_line`. Statements that are
// empty or only comments are dropped; each statement's text starts at its first token.
// Throws Error(kParse) "line N: <parser message> (statement K)" when `sql` does not parse.
std::vector<Statement> split_statements(std::string_view sql, int first_line);

}  // namespace trellis::pg
