#include "analysis/pg_parse.h"

#include <algorithm>

#include <pg_query.h>

namespace trellis::analysis {
namespace {

// Moves `offset` past whitespace and comments, which libpg_query includes at the start
// of a statement's range (everything after the previous ';').
int skip_leading_trivia(const std::string& sql, int offset, int end) {
  int i = offset;
  while (i < end) {
    char c = sql[static_cast<size_t>(i)];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
      ++i;
    } else if (c == '-' && i + 1 < end && sql[static_cast<size_t>(i) + 1] == '-') {
      while (i < end && sql[static_cast<size_t>(i)] != '\n') ++i;
    } else if (c == '/' && i + 1 < end && sql[static_cast<size_t>(i) + 1] == '*') {
      size_t close = sql.find("*/", static_cast<size_t>(i) + 2);
      i = close == std::string::npos ? end : static_cast<int>(close) + 2;
    } else {
      break;
    }
  }
  return i;
}

ParsedStatement from_stmt(const std::string& sql, const nlohmann::json& raw, int base,
                          int piece_end) {
  ParsedStatement out;
  int loc = base + raw.value("stmt_location", 0);
  int len = raw.value("stmt_len", 0);
  int end = len == 0 ? piece_end : loc + len;
  out.offset = skip_leading_trivia(sql, loc, end);
  out.length = end - out.offset;
  out.base = base;
  out.node = raw.at("stmt");
  return out;
}

// Parses one piece; appends its statements (or one failed statement) to `out`.
bool parse_piece(const std::string& sql, int begin, int end,
                 std::vector<ParsedStatement>& out, bool report_failure) {
  std::string piece = sql.substr(static_cast<size_t>(begin), static_cast<size_t>(end - begin));
  PgQueryParseResult result = pg_query_parse(piece.c_str());
  bool ok = result.error == nullptr;
  if (ok) {
    auto tree = nlohmann::json::parse(result.parse_tree);
    for (const auto& raw : tree.value("stmts", nlohmann::json::array())) {
      out.push_back(from_stmt(sql, raw, begin, end));
    }
  } else if (report_failure) {
    ParsedStatement bad;
    bad.ok = false;
    bad.error = result.error->message;
    bad.offset = skip_leading_trivia(sql, begin, end);
    bad.length = end - bad.offset;
    bad.base = begin;
    if (bad.offset < end) out.push_back(std::move(bad));
  }
  pg_query_free_parse_result(result);
  return ok;
}

}  // namespace

std::vector<ParsedStatement> parse_statements(const std::string& sql) {
  std::vector<ParsedStatement> out;
  const int size = static_cast<int>(sql.size());
  if (parse_piece(sql, 0, size, out, /*report_failure=*/false)) return out;
  // Something does not parse: split with the scanner and parse piece by piece, so one
  // bad statement does not hide the others.
  out.clear();
  PgQuerySplitResult split = pg_query_split_with_scanner(sql.c_str());
  if (split.error != nullptr) {
    ParsedStatement bad;
    bad.ok = false;
    bad.error = split.error->message;
    bad.offset = skip_leading_trivia(sql, 0, size);
    bad.length = size - bad.offset;
    out.push_back(std::move(bad));
  } else {
    for (int i = 0; i < split.n_stmts; ++i) {
      int begin = split.stmts[i]->stmt_location;
      int end = begin + split.stmts[i]->stmt_len;
      parse_piece(sql, begin, end, out, /*report_failure=*/true);
    }
  }
  pg_query_free_split_result(split);
  return out;
}

LineMap::LineMap(const std::string& sql, int first_line) : first_line_(first_line) {
  starts_.push_back(0);
  for (size_t i = 0; i < sql.size(); ++i) {
    if (sql[i] == '\n') starts_.push_back(static_cast<int>(i) + 1);
  }
}

int LineMap::line(int offset) const {
  auto it = std::upper_bound(starts_.begin(), starts_.end(), offset);
  return first_line_ + static_cast<int>(it - starts_.begin()) - 1;
}

int LineMap::col(int offset) const {
  auto it = std::upper_bound(starts_.begin(), starts_.end(), offset);
  return offset - *(it - 1) + 1;
}

}  // namespace trellis::analysis
