#include "project/migration_parser.h"

#include <gtest/gtest.h>

namespace trellis {
namespace {

// The parser's diagnostics in their text form (what a user sees).
struct Texts {
  std::vector<std::string> errors;
  bool empty() const { return errors.empty(); }
};

struct Parsed {
  Migration m;
  Texts diag;
};

Parsed parse(const std::string& text) {
  Parsed p;
  p.m.path = "migrations/billing/0002_invoices.sql";
  p.m.feature = "billing";
  Diagnostics diag;
  parse_migration(text, p.m, diag);
  for (const Diagnostic& d : diag.errors) p.diag.errors.push_back(format_text(d));
  return p;
}

TEST(MigrationParser, ReadsAllDirectivesAndSections) {
  auto p = parse(
      "-- requires: core/0002_users, search/0001\n"
      "-- requires: core/0001\n"
      "-- phase: contract\n"
      "-- transaction: false\n"
      "-- lock-timeout: 2s\n"
      "-- statement-timeout: 500ms\n"
      "-- lint-allow: require-concurrent-index \"table is new\"\n"
      "-- A free comment: colon after two words is still a comment\n"
      "\n"
      "-- +up\n"
      "CREATE INDEX CONCURRENTLY ix ON invoices (user_id);\n"
      "\n"
      "-- +down\n"
      "DROP INDEX CONCURRENTLY ix;\n");
  ASSERT_TRUE(p.diag.empty()) << p.diag.errors[0];
  ASSERT_EQ(p.m.requirements.size(), 3u);
  EXPECT_EQ(p.m.requirements[0].id, "core/0002_users");
  EXPECT_EQ(p.m.requirements[1].id, "search/0001");
  EXPECT_EQ(p.m.requirements[2].line, 2);
  EXPECT_EQ(p.m.phase, Phase::kContract);
  EXPECT_EQ(p.m.tx, TxMode::kNone);
  EXPECT_EQ(p.m.lock_timeout, Millis{2000});
  EXPECT_EQ(p.m.statement_timeout, Millis{500});
  ASSERT_EQ(p.m.lint_allows.size(), 1u);
  EXPECT_EQ(p.m.lint_allows[0].rule, "require-concurrent-index");
  EXPECT_EQ(p.m.lint_allows[0].reason, "table is new");
  EXPECT_EQ(p.m.up.first_line, 11);
  EXPECT_EQ(p.m.up.sql, "CREATE INDEX CONCURRENTLY ix ON invoices (user_id);\n\n");
  EXPECT_EQ(p.m.down.sql, "DROP INDEX CONCURRENTLY ix;\n");
  EXPECT_TRUE(p.m.reversible());
  EXPECT_EQ(p.m.checksum.size(), 64u);
}

TEST(MigrationParser, ConflictsAreIdsWithTheirLine) {
  auto p = parse("-- requires: core/0001\n-- conflicts: core/0002_old, search/0001\n-- +up\nSELECT 1;\n");
  ASSERT_TRUE(p.diag.errors.empty()) << p.diag.errors[0];
  ASSERT_EQ(p.m.conflicts.size(), 2u);
  EXPECT_EQ(p.m.conflicts[0].id, "core/0002_old");
  EXPECT_EQ(p.m.conflicts[1].id, "search/0001");
  EXPECT_EQ(p.m.conflicts[1].line, 2);
  EXPECT_EQ(p.m.requirements.size(), 1u) << "a conflict orders nothing";
  auto bad = parse("-- conflicts: not an id\n-- +up\nSELECT 1;\n");
  ASSERT_EQ(bad.diag.errors.size(), 1u);
  EXPECT_NE(bad.diag.errors[0].find("malformed migration id 'not an id'"), std::string::npos) << bad.diag.errors[0];
}

TEST(MigrationParser, UnknownDirectiveHasFileLineTextAndCaret) {
  auto p = parse("-- requirez: core/0001\n-- +up\nSELECT 1;\n");
  ASSERT_EQ(p.diag.errors.size(), 1u);
  EXPECT_EQ(p.diag.errors[0],
            "migrations/billing/0002_invoices.sql:1: unknown directive 'requirez' (known: requires, "
            "conflicts, phase, transaction, lock-timeout, statement-timeout, lint-allow, batch)\n"
            "  -- requirez: core/0001\n"
            "     ^");
}

TEST(MigrationParser, MalformedRequiresPointsAtTheId) {
  auto p = parse("-- requires: core/0001, core-0002\n-- +up\nSELECT 1;\n");
  ASSERT_EQ(p.diag.errors.size(), 1u);
  EXPECT_EQ(p.diag.errors[0],
            "migrations/billing/0002_invoices.sql:1: malformed migration id 'core-0002' (expected "
            "feature/NNNN or feature/NNNN_slug)\n"
            "  -- requires: core/0001, core-0002\n"
            "                          ^");
}

TEST(MigrationParser, BadValuesAreReported) {
  auto p = parse("-- phase: shrink\n-- transaction: maybe\n-- lock-timeout: soon\n-- +up\nSELECT 1;\n");
  ASSERT_EQ(p.diag.errors.size(), 3u);
  EXPECT_NE(p.diag.errors[0].find(":1: unknown phase 'shrink' (expected expand, backfill or contract)"),
            std::string::npos);
  EXPECT_NE(p.diag.errors[1].find(":2: transaction must be true or false (both sections), or per section "
                                  "'up=BOOL down=BOOL'"),
            std::string::npos);
  EXPECT_NE(p.diag.errors[1].find(", not 'maybe'"), std::string::npos);
  EXPECT_NE(p.diag.errors[2].find(":3: bad duration 'soon'"), std::string::npos);
}

TEST(MigrationParser, LintAllowNeedsAReason) {
  auto p = parse("-- lint-allow: require-concurrent-index\n-- +up\nSELECT 1;\n");
  ASSERT_EQ(p.diag.errors.size(), 1u);
  EXPECT_NE(p.diag.errors[0].find(
                ":1: lint-allow needs a reason: -- lint-allow: require-concurrent-index \"why this is safe here\""),
            std::string::npos);
}

TEST(MigrationParser, MissingUpMarker) {
  auto p = parse("-- phase: expand\n");
  ASSERT_EQ(p.diag.errors.size(), 1u);
  EXPECT_EQ(p.diag.errors[0],
            "migrations/billing/0002_invoices.sql: no '-- +up' marker; put '-- +up' on its own line "
            "before the SQL");
}

TEST(MigrationParser, SqlBeforeUpIsAnError) {
  auto p = parse("CREATE TABLE t (id int);\n-- +up\nSELECT 1;\n");
  ASSERT_EQ(p.diag.errors.size(), 1u);
  EXPECT_NE(p.diag.errors[0].find(":1: SQL before '-- +up'"), std::string::npos);
}

TEST(MigrationParser, UpWithoutSqlIsANoOp) {
  auto p = parse("-- +up\n-- nothing yet\n/* still nothing */\n\n-- +down\nSELECT 1;\n");
  EXPECT_TRUE(p.diag.empty()) << p.diag.errors[0];
  EXPECT_FALSE(p.m.up.has_sql);
  EXPECT_TRUE(p.m.down.has_sql);
  EXPECT_TRUE(parse("-- +up").diag.empty());
}

TEST(MigrationParser, TransactionModePerSection) {
  auto both = parse("-- transaction: false\n-- +up\nSELECT 1;\n-- +down\nSELECT 2;\n");
  EXPECT_EQ(both.m.tx, TxMode::kNone);
  EXPECT_EQ(both.m.down_tx, TxMode::kNone);
  auto down_only = parse("-- transaction: down=false\n-- +up\nSELECT 1;\n");
  EXPECT_TRUE(down_only.diag.empty()) << down_only.diag.errors[0];
  EXPECT_EQ(down_only.m.tx, TxMode::kTransactional);
  EXPECT_EQ(down_only.m.down_tx, TxMode::kNone);
  auto up_only = parse("-- transaction: up=false down=true\n-- +up\nSELECT 1;\n");
  EXPECT_EQ(up_only.m.tx, TxMode::kNone);
  EXPECT_EQ(up_only.m.down_tx, TxMode::kTransactional);
  for (const char* bad : {"down=no", "up=false up=true", "sideways=false", "down"}) {
    auto p = parse(std::string("-- transaction: ") + bad + "\n-- +up\nSELECT 1;\n");
    ASSERT_EQ(p.diag.errors.size(), 1u) << bad;
    EXPECT_NE(p.diag.errors[0].find("'-- transaction: down=false'"), std::string::npos) << p.diag.errors[0];
  }
}

TEST(MigrationParser, DownWithoutSqlIsANoOp) {
  auto comments = parse("-- +up\nSELECT 1;\n-- +down\n-- nothing to undo: 0003 drops it\n");
  EXPECT_TRUE(comments.diag.empty());
  EXPECT_TRUE(comments.m.reversible());
  EXPECT_TRUE(comments.m.noop_down());
  auto noop = parse("-- +up\nSELECT 1;\n-- +down noop");
  EXPECT_TRUE(noop.diag.empty());
  EXPECT_TRUE(noop.m.noop_down());
  auto noop_sql = parse("-- +up\nSELECT 1;\n-- +down noop\nSELECT 2;\n");
  ASSERT_EQ(noop_sql.diag.errors.size(), 1u);
  EXPECT_NE(noop_sql.diag.errors[0].find(":3: '-- +down noop' must not be followed by SQL"), std::string::npos);
  auto unknown = parse("-- +up\nSELECT 1;\n-- +down never\n");
  ASSERT_EQ(unknown.diag.errors.size(), 1u);
  EXPECT_NE(unknown.diag.errors[0].find("'-- +down irreversible' for a forward-only migration"), std::string::npos);
}

TEST(MigrationParser, MarkersAreCommentsOutsideStringsAndBodies) {
  auto p = parse(
      "-- +up\n"
      "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$\n"
      "-- +down\n"
      "SELECT 1 $$;\n"
      "INSERT INTO t VALUES ('\n-- +down\n');\n"
      "-- +down\n"
      "DROP FUNCTION f;");
  ASSERT_TRUE(p.diag.empty()) << p.diag.errors[0];
  EXPECT_EQ(p.m.down.first_line, 9);
  EXPECT_EQ(p.m.down.sql, "DROP FUNCTION f;");
  EXPECT_NE(p.m.up.sql.find("SELECT 1 $$;"), std::string::npos);
}

TEST(MigrationParser, MarkerSwallowedByAnUnclosedStringIsNamed) {
  auto p = parse("-- +up\nSELECT $$ oops;\n-- +down\nSELECT 2;\n");
  ASSERT_EQ(p.diag.errors.size(), 1u);
  EXPECT_NE(p.diag.errors[0].find(":3: '-- +down' is not a section marker: it is inside the dollar-quoted "
                                  "string opened at line 2, which is never closed"),
            std::string::npos)
      << p.diag.errors[0];
}

TEST(MigrationParser, NulAndNonUtf8BytesAreErrorsWithLine) {
  std::string nul = "-- +up\nSELECT 1;";
  nul += '\0';
  nul += "\nSELECT 2;\n";
  auto p = parse(nul);
  ASSERT_EQ(p.diag.errors.size(), 1u);
  EXPECT_NE(p.diag.errors[0].find("0002_invoices.sql:2: NUL byte (0x00)"), std::string::npos) << p.diag.errors[0];
  for (const char* bad : {"\xE9", "\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xE2\x82"}) {
    auto q = parse(std::string("-- +up\nSELECT 1;\nSELECT '") + bad + "';\n");
    ASSERT_EQ(q.diag.errors.size(), 1u) << bad;
    EXPECT_NE(q.diag.errors[0].find(":3: byte 0x"), std::string::npos) << q.diag.errors[0];
    EXPECT_NE(q.diag.errors[0].find("is not UTF-8"), std::string::npos) << q.diag.errors[0];
  }
  EXPECT_TRUE(parse("-- +up\nSELECT 'caf\xC3\xA9 \xF0\x9F\x8C\xB3';\n").diag.empty());
}

TEST(MigrationParser, ByteOrderMarkIsNotPartOfTheText) {
  auto p = parse("\xEF\xBB\xBF-- phase: contract\n-- +up\nSELECT 1;\n");
  ASSERT_TRUE(p.diag.empty()) << p.diag.errors[0];
  EXPECT_EQ(p.m.phase, Phase::kContract);
  auto q = parse("\xEF\xBB\xBF-- +up\nSELECT 1;\n");
  ASSERT_TRUE(q.diag.empty()) << q.diag.errors[0];
  EXPECT_EQ(q.m.up.sql, "SELECT 1;\n");
}

TEST(MigrationParser, ForwardOnlyForms) {
  EXPECT_FALSE(parse("-- +up\nSELECT 1;\n").m.reversible());
  auto irreversible = parse("-- +up\nSELECT 1;\n-- +down irreversible\n");
  EXPECT_TRUE(irreversible.diag.empty());
  EXPECT_FALSE(irreversible.m.reversible());
  auto with_sql = parse("-- +up\nSELECT 1;\n-- +down irreversible\nSELECT 2;\n");
  ASSERT_EQ(with_sql.diag.errors.size(), 1u);
  EXPECT_NE(with_sql.diag.errors[0].find(":3: '-- +down irreversible' must not be followed by SQL"),
            std::string::npos);
}

TEST(MigrationParser, DuplicateSingleDirective) {
  auto p = parse("-- phase: expand\n-- phase: contract\n-- +up\nSELECT 1;\n");
  ASSERT_EQ(p.diag.errors.size(), 1u);
  EXPECT_NE(p.diag.errors[0].find(":2: directive 'phase' given twice"), std::string::npos);
}

TEST(MigrationParser, UnknownMarker) {
  auto p = parse("-- +up\nSELECT 1;\n-- +sideways\n");
  ASSERT_EQ(p.diag.errors.size(), 1u);
  EXPECT_NE(p.diag.errors[0].find(":3: unknown section marker '-- +sideways'"), std::string::npos);
}

TEST(MigrationParser, BatchDirective) {
  auto p = parse("-- phase: backfill\n-- batch: table=events key=id size=1000 pause=20ms\n-- +up\n"
                 "UPDATE events SET x = 1 WHERE id >= :lo AND id < :hi;\n");
  ASSERT_TRUE(p.diag.empty()) << p.diag.errors[0];
  ASSERT_TRUE(p.m.batch.has_value());
  EXPECT_EQ(p.m.batch->table, "events");
  EXPECT_EQ(p.m.batch->key, "id");
  EXPECT_EQ(p.m.batch->size, 1000);
  EXPECT_EQ(p.m.batch->pause, Millis{20});
  auto wrong_phase = parse("-- batch: until-empty size=10\n-- +up\nDELETE FROM t;\n");
  ASSERT_EQ(wrong_phase.diag.errors.size(), 1u);
  EXPECT_NE(wrong_phase.diag.errors[0].find("'batch' is only allowed with '-- phase: backfill'"),
            std::string::npos);
}

TEST(MigrationParser, CrLfFilesParse) {
  auto p = parse("-- phase: expand\r\n-- +up\r\nSELECT 1;\r\n");
  EXPECT_TRUE(p.diag.empty());
  EXPECT_EQ(p.m.phase, Phase::kExpand);
}

}  // namespace
}  // namespace trellis
