#include "sql/pg_split.h"

#include <gtest/gtest.h>

#include "trellis/error.h"

namespace trellis::pg {
namespace {

TEST(PgSplit, OneStatementPerEntryWithFileLines) {
  auto statements = split_statements("CREATE TABLE a (id int);\nCREATE TABLE b (id int);\n", 5);
  ASSERT_EQ(statements.size(), 2u);
  EXPECT_EQ(statements[0].sql, "CREATE TABLE a (id int)");
  EXPECT_EQ(statements[0].index, 1);
  EXPECT_EQ(statements[0].line, 5);
  EXPECT_EQ(statements[1].sql, "CREATE TABLE b (id int)");
  EXPECT_EQ(statements[1].index, 2);
  EXPECT_EQ(statements[1].line, 6);
}

TEST(PgSplit, MultiLineStatementStartsAtItsFirstToken) {
  auto statements = split_statements(
      "\n\nCREATE TABLE users (\n  id bigint,\n  name text\n);\n\n\nALTER TABLE users\n"
      "  ADD COLUMN email text;",
      10);
  ASSERT_EQ(statements.size(), 2u);
  EXPECT_EQ(statements[0].line, 12);
  EXPECT_EQ(statements[0].sql, "CREATE TABLE users (\n  id bigint,\n  name text\n)");
  EXPECT_EQ(statements[1].line, 18);
  EXPECT_EQ(statements[1].sql, "ALTER TABLE users\n  ADD COLUMN email text");
}

TEST(PgSplit, CommentsBeforeAStatementAreSkippedForItsLine) {
  auto statements = split_statements(
      "-- first\nSELECT 1;\n/* a\n   block */\n-- and a line\n  SELECT 2; -- trailing\n"
      "-- only a comment at the end\n",
      1);
  ASSERT_EQ(statements.size(), 2u);
  EXPECT_EQ(statements[0].sql, "SELECT 1");
  EXPECT_EQ(statements[0].line, 2);
  EXPECT_EQ(statements[1].sql, "SELECT 2");
  EXPECT_EQ(statements[1].line, 6);
}

TEST(PgSplit, NestedBlockCommentsAndEmptyStatements) {
  auto statements = split_statements("/* outer /* inner */ still; comment */ SELECT 1;;\n;SELECT 2", 3);
  ASSERT_EQ(statements.size(), 2u);
  EXPECT_EQ(statements[0].sql, "SELECT 1");
  EXPECT_EQ(statements[0].line, 3);
  EXPECT_EQ(statements[1].sql, "SELECT 2");
  EXPECT_EQ(statements[1].index, 2);
  EXPECT_EQ(statements[1].line, 4);
}

TEST(PgSplit, DollarQuotedBodyWithSemicolonsIsOneStatement) {
  const char* sql =
      "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $body$\n"
      "BEGIN\n"
      "  NEW.x := 1;\n"
      "  RETURN NEW;\n"
      "END;\n"
      "$body$;\n"
      "SELECT ';' AS semi, $$a;b$$ AS dollar;\n";
  auto statements = split_statements(sql, 7);
  ASSERT_EQ(statements.size(), 2u);
  EXPECT_EQ(statements[0].line, 7);
  EXPECT_NE(statements[0].sql.find("RETURN NEW;"), std::string::npos);
  EXPECT_EQ(statements[0].sql.substr(statements[0].sql.size() - 6), "$body$");
  EXPECT_EQ(statements[1].sql, "SELECT ';' AS semi, $$a;b$$ AS dollar");
  EXPECT_EQ(statements[1].line, 13);
}

TEST(PgSplit, EmptyOrCommentOnlySectionHasNoStatements) {
  EXPECT_TRUE(split_statements("", 1).empty());
  EXPECT_TRUE(split_statements("  -- nothing here\n/* nor here */\n", 1).empty());
}

TEST(PgSplit, SyntaxErrorNamesFileLineAndStatement) {
  try {
    split_statements("SELECT 1;\n\nCREATE TABLE t (\n  id int,\n  nmae tezt text\n);\n", 20);
    FAIL() << "expected a parse error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kParse);
    EXPECT_STREQ(e.what(), "line 24: syntax error at or near \"text\" (statement 2)");
  }
}

// The line is data, not text to parse back: preflight and check add the file to it.
TEST(PgSplit, SyntaxErrorCarriesItsLineAsData) {
  try {
    split_statements("SELECT 1;\n\nCREATE TABLE t (\n  id int,\n  nmae tezt text\n);\n", 20);
    FAIL() << "expected a parse error";
  } catch (const Error& e) {
    ASSERT_EQ(e.diagnostics().size(), 1u);
    const Diagnostic& d = e.diagnostics()[0];
    EXPECT_EQ(d.code, "parse");
    EXPECT_EQ(d.line, 24);
    EXPECT_TRUE(d.file.empty());
    EXPECT_EQ(d.message, "syntax error at or near \"text\" (statement 2)");
    EXPECT_EQ(e.hint(), "fix the SQL at that line; it must parse as PostgreSQL 15 SQL");
  }
}

TEST(PgSplit, SyntaxErrorAfterMultibyteText) {
  try {
    split_statements("SELECT 'héllo wörld';\nSELEC 2;\n", 1);
    FAIL() << "expected a parse error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "line 2: syntax error at or near \"SELEC\" (statement 2)");
  }
}

TEST(PgSplit, UnterminatedStringReportsWhereItStarts) {
  try {
    split_statements("SELECT 1;\nSELECT 'oops;\nSELECT 3;\n", 1);
    FAIL() << "expected a parse error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kParse);
    EXPECT_EQ(std::string(e.what()).rfind("line 2: unterminated quoted string", 0), 0u)
        << e.what();
  }
}

}  // namespace
}  // namespace trellis::pg
