#include "sql/pg_parse.h"

#include <algorithm>

#include <pg_query.h>

namespace trellis::sql {
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

int int_field(const Json& node, std::string_view key) {
  auto it = node.find(key);
  return it == node.end() ? 0 : it->get<int>();
}

using Sink = std::function<void(const ParsedStatement&)>;

void emit_stmt(const std::string& sql, const Json& raw, int base, int piece_end, const Sink& each) {
  ParsedStatement out;
  int loc = base + int_field(raw, "stmt_location");
  int len = int_field(raw, "stmt_len");
  int end = len == 0 ? piece_end : loc + len;
  out.offset = skip_leading_trivia(sql, loc, end);
  out.length = end - out.offset;
  out.base = base;
  auto stmt = raw.find("stmt");
  if (stmt == raw.end()) return;
  out.node = &*stmt;
  each(out);
}

void emit_failure(const std::string& sql, int begin, int end, std::string error, const Sink& each) {
  ParsedStatement bad;
  bad.ok = false;
  bad.error = std::move(error);
  bad.offset = skip_leading_trivia(sql, begin, end);
  bad.length = end - bad.offset;
  bad.base = begin;
  if (bad.offset < end) each(bad);
}

enum class OnFailure { kReport, kSilent };

// Parses one piece and hands its statements (or one failed statement) to `each`.
bool parse_piece(const std::string& sql, int begin, int end, const Sink& each, OnFailure on_failure) {
  const bool whole = begin == 0 && end == static_cast<int>(sql.size());
  std::string piece = whole ? std::string() : sql.substr(static_cast<size_t>(begin), static_cast<size_t>(end - begin));
  PgQueryParseResult result = pg_query_parse(whole ? sql.c_str() : piece.c_str());
  bool ok = result.error == nullptr;
  JsonTree tree;
  if (ok && !tree.parse(result.parse_tree)) {
    ok = false;  // libpg_query's own output does not read back: report, never guess
  }
  if (ok) {
    auto stmts = tree.root().find("stmts");
    if (stmts != tree.root().end()) {
      for (const Json& raw : *stmts) emit_stmt(sql, raw, begin, end, each);
    }
  } else if (on_failure == OnFailure::kReport) {
    emit_failure(sql, begin, end, result.error ? result.error->message : "unreadable parse tree", each);
  }
  pg_query_free_parse_result(result);
  return ok;
}

}  // namespace

void parse_statements(const std::string& sql, const Sink& each) {
  const int size = static_cast<int>(sql.size());
  if (parse_piece(sql, 0, size, each, OnFailure::kSilent)) return;
  // Something does not parse: split with the scanner and parse piece by piece, so one
  // bad statement does not hide the others.
  PgQuerySplitResult split = pg_query_split_with_scanner(sql.c_str());
  if (split.error != nullptr) {
    emit_failure(sql, 0, size, split.error->message, each);
  } else if (split.n_stmts == 0) {
    parse_piece(sql, 0, size, each, OnFailure::kReport);  // nothing split off: the whole is the bad one
  } else {
    for (int i = 0; i < split.n_stmts; ++i) {
      int begin = split.stmts[i]->stmt_location;
      parse_piece(sql, begin, begin + split.stmts[i]->stmt_len, each, OnFailure::kReport);
    }
  }
  pg_query_free_split_result(split);
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

}  // namespace trellis::sql
