// sql_lexer.h — where the `--` comments of a migration file are, by PostgreSQL's lexical
// rules, so that section markers (`-- +up`, `-- +down`) are found only where they are SQL
// comments: never inside a string constant, a quoted identifier, a dollar-quoted body or
// a /* */ comment.
//
// Only what decides "is this a comment" is tokenised: `--` and nested `/* */` comments,
// '…' (with ''), E'…' (with backslash escapes), "…" identifiers, $tag$…$tag$ bodies, and
// identifiers and numbers (so that `a$b$` and `E'` are read as PostgreSQL reads them).
// SQLite shares these rules for comments, strings and quoted identifiers. A unit test
// compares the result with libpg_query's scanner (pg_query_scan), which is too slow to run
// on every file of every command (hundreds of microseconds per file).
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace trellis {

struct SqlLexResult {
  // Byte offsets of the `--` comments that are the first token on their line (only
  // blanks before them since the last '\n'), in order.
  std::vector<std::size_t> line_comments;
  // A string, quoted identifier, dollar-quoted body or /* comment that runs to the end
  // of the text without being closed: its first byte, and what it is ("quoted string",
  // "quoted identifier", "dollar-quoted string", "/* comment"). npos when none.
  std::size_t unterminated = std::string_view::npos;
  const char* unterminated_kind = "";
};

SqlLexResult lex_line_comments(std::string_view text);

// Whether `text` holds anything but blanks and comments (stops at the first token).
bool has_sql_tokens(std::string_view text);

}  // namespace trellis
