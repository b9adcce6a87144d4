// pg_split.cc — statements and their file lines, from libpg_query's split.
#include "sql/pg_split.h"

#include <pg_query.h>

#include <algorithm>
#include <string>

#include "trellis/error.h"

namespace trellis::pg {
namespace {

int line_of(std::string_view text, std::size_t offset, int first_line) {
  offset = std::min(offset, text.size());
  return first_line + static_cast<int>(std::count(text.begin(), text.begin() + offset, '\n'));
}

// Skips whitespace and comments at `pos`. The parser has already delimited the statement;
// this only finds where its first token starts, for the line number.
std::size_t skip_trivia(std::string_view text, std::size_t pos) {
  while (pos < text.size()) {
    char c = text[pos];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      ++pos;
    } else if (text.substr(pos, 2) == "--") {
      std::size_t eol = text.find('\n', pos);
      pos = eol == std::string_view::npos ? text.size() : eol + 1;
    } else if (text.substr(pos, 2) == "/*") {
      int depth = 0;
      do {
        if (text.substr(pos, 2) == "/*") {
          ++depth;
          pos += 2;
        } else if (text.substr(pos, 2) == "*/") {
          --depth;
          pos += 2;
        } else {
          ++pos;
        }
      } while (depth > 0 && pos < text.size());
    } else {
      break;
    }
  }
  return pos;
}

std::string_view trim_end(std::string_view text) {
  while (!text.empty() && std::string_view(" \t\r\n\f\v").find(text.back()) !=
                              std::string_view::npos) {
    text.remove_suffix(1);
  }
  return text;
}

// PostgreSQL reports a 1-based character position; the text is UTF-8.
std::size_t byte_offset_of_cursor(std::string_view text, int cursorpos) {
  std::size_t offset = 0;
  for (int chars = 1; chars < cursorpos && offset < text.size(); ++chars) {
    ++offset;
    while (offset < text.size() && (static_cast<unsigned char>(text[offset]) & 0xC0) == 0x80) {
      ++offset;
    }
  }
  return offset;
}

// 1-based number of the statement holding `offset`: one more than the statements the
// scanner's split (which still works on text the parser rejects) sees ending before it.
int statement_number_at(const std::string& input, std::size_t offset) {
  PgQuerySplitResult result = pg_query_split_with_scanner(input.c_str());
  int number = 1;
  if (result.error == nullptr) {
    for (int i = 0; i < result.n_stmts; ++i) {
      auto end = static_cast<std::size_t>(result.stmts[i]->stmt_location + result.stmts[i]->stmt_len);
      if (result.stmts[i]->stmt_len > 0 && end < offset) ++number;
    }
  }
  pg_query_free_split_result(result);
  return number;
}

[[noreturn]] void throw_parse_error(const std::string& input, const PgQueryError& error,
                                    int first_line) {
  std::size_t offset = error.cursorpos > 0 ? byte_offset_of_cursor(input, error.cursorpos)
                                           : input.size();
  int statement = statement_number_at(input, offset);
  // The line as data (no file: the caller knows which file the section is in).
  std::string hint = "fix the SQL at that line; it must parse as PostgreSQL 15 SQL";
  throw Error(ErrorKind::kParse,
              {error_at("parse", "", line_of(input, offset, first_line),
                        std::string(error.message) + " (statement " + std::to_string(statement) + ")", hint)},
              hint);
}

}  // namespace

std::vector<Statement> split_statements(std::string_view sql, int first_line) {
  std::string input(sql);
  PgQuerySplitResult result = pg_query_split_with_parser(input.c_str());
  if (result.error != nullptr) {
    PgQueryError error = *result.error;
    std::string message = error.message;
    error.message = message.data();
    pg_query_free_split_result(result);
    throw_parse_error(input, error, first_line);
  }
  std::vector<Statement> statements;
  for (int i = 0; i < result.n_stmts; ++i) {
    auto location = static_cast<std::size_t>(result.stmts[i]->stmt_location);
    auto length = static_cast<std::size_t>(result.stmts[i]->stmt_len);
    std::size_t end = length == 0 ? input.size() : std::min(input.size(), location + length);
    std::size_t start = skip_trivia(input, location);
    if (start >= end) continue;
    std::string_view text = trim_end(std::string_view(input).substr(start, end - start));
    if (text.empty()) continue;
    Statement statement;
    statement.sql = std::string(text);
    statement.index = static_cast<int>(statements.size()) + 1;
    statement.line = line_of(input, start, first_line);
    statements.push_back(std::move(statement));
  }
  pg_query_free_split_result(result);
  return statements;
}

}  // namespace trellis::pg
