// The comment finder of project/sql_lexer.h against libpg_query's own scanner.
#include "project/sql_lexer.h"

#include <gtest/gtest.h>
#include <pg_query.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace trellis {
namespace {

constexpr std::uint64_t kSqlComment = 275;  // pg_query.proto: Token SQL_COMMENT

// Reads a varint at `p`, advancing it.
std::uint64_t varint(const std::uint8_t*& p, const std::uint8_t* end) {
  std::uint64_t v = 0;
  for (int shift = 0; p < end && shift < 64; shift += 7) {
    std::uint8_t b = *p++;
    v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) break;
  }
  return v;
}

// Start offsets of the SQL_COMMENT tokens of pg_query_scan(text); false if it fails.
bool pg_comment_starts(const std::string& text, std::vector<std::size_t>& out, std::string& error) {
  PgQueryScanResult r = pg_query_scan(text.c_str());
  bool ok = r.error == nullptr;
  if (!ok) error = r.error->message;
  const auto* p = reinterpret_cast<const std::uint8_t*>(r.pbuf.data);
  const auto* end = p + (ok ? r.pbuf.len : 0);
  while (p < end) {
    std::uint64_t key = varint(p, end);
    if ((key & 7) == 0) {
      varint(p, end);
      continue;
    }
    auto len = static_cast<std::size_t>(varint(p, end));
    const std::uint8_t* sub = p;
    p += len;
    if ((key >> 3) != 2) continue;  // ScanResult.tokens
    std::uint64_t start = 0, token = 0;
    while (sub < p) {
      std::uint64_t k = varint(sub, p);
      std::uint64_t v = varint(sub, p);
      if ((k >> 3) == 1) start = v;
      if ((k >> 3) == 4) token = v;
    }
    if (token == kSqlComment) out.push_back(start);
  }
  pg_query_free_scan_result(r);
  return ok;
}

bool first_on_line(const std::string& text, std::size_t offset) {
  while (offset > 0) {
    char c = text[--offset];
    if (c == '\n') return true;
    if (c != ' ' && c != '\t' && c != '\r' && c != '\f') return false;
  }
  return true;
}

std::vector<std::size_t> markers(const std::string& text) { return lex_line_comments(text).line_comments; }

TEST(SqlLexer, FindsCommentsOnlyOutsideStringsAndBodies) {
  std::string text =
      "-- +up\n"
      "CREATE FUNCTION f() RETURNS text AS $body$\n"
      "-- +down\n"
      "$body$ LANGUAGE sql;\n"
      "INSERT INTO t VALUES ('a\n-- +down\n', E'\\'\n-- +down\n', \"x\n-- +down\n\");\n"
      "/* outer /* inner */\n-- +down\n*/\n"
      "SELECT $$ $a$ $$; SELECT a$b$;\n"
      "  -- +down";
  std::vector<std::size_t> found = markers(text);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0], 0u);
  EXPECT_EQ(text.substr(found[1]), "-- +down");
  EXPECT_EQ(lex_line_comments(text).unterminated, std::string_view::npos);
}

TEST(SqlLexer, SaysWhatIsNeverClosed) {
  auto r = lex_line_comments("SELECT 1;\nSELECT $$ x;\n-- +down\n");
  EXPECT_EQ(r.unterminated, 17u);
  EXPECT_STREQ(r.unterminated_kind, "dollar-quoted string");
  EXPECT_EQ(lex_line_comments("SELECT 'x").unterminated_kind, std::string("quoted string"));
  EXPECT_EQ(lex_line_comments("/* /* */").unterminated_kind, std::string("/* comment"));
}

TEST(SqlLexer, CommentAfterSqlOnTheSameLineIsNotFirstOnItsLine) {
  EXPECT_TRUE(markers("SELECT 1; -- +down\n").empty());
  EXPECT_EQ(markers("SELECT 1;\n\t -- +down").size(), 1u);
}

// Random texts of the fragments that matter for quoting: every comment libpg_query's
// scanner reports as the first token of its line is found, and nothing else.
TEST(SqlLexer, AgreesWithLibpgQueryScanner) {
  const std::vector<std::string> pieces = {"'", "''", "\"", "\"\"", "$$", "$a$", "$b$", "$a", "a$", "$1", "--", "-",
                                           "/*", "*/", "*", "/", "\n", " ", "\t", "\r\n", "E'", "e'", "\\", "\\'",
                                           "x", "1", "1.5", "U&'", "b'", ";", "-- +down", "SELECT", "é"};
  std::mt19937 rng(20261202);
  int compared = 0;
  for (int sample = 0; sample < 30000; ++sample) {
    std::string text;
    int n = 1 + static_cast<int>(rng() % 24);
    for (int k = 0; k < n; ++k) text += pieces[rng() % pieces.size()];
    std::vector<std::size_t> pg;
    std::string error;
    if (!pg_comment_starts(text, pg, error)) {
      if (error.rfind("unterminated", 0) == 0) {
        EXPECT_NE(lex_line_comments(text).unterminated, std::string_view::npos) << error << ": " << text;
      }
      continue;
    }
    std::vector<std::size_t> expected;
    for (std::size_t s : pg) {
      if (first_on_line(text, s)) expected.push_back(s);
    }
    SqlLexResult ours = lex_line_comments(text);
    ASSERT_EQ(ours.line_comments, expected) << "text: [" << text << "]";
    ASSERT_EQ(ours.unterminated, std::string_view::npos) << "text: [" << text << "]";
    ++compared;
  }
  EXPECT_GT(compared, 5000);
}

}  // namespace
}  // namespace trellis
