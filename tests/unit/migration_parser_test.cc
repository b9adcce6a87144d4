#include "project/migration_parser.h"

#include <gtest/gtest.h>

namespace trellis {
namespace {

struct Parsed {
  Migration m;
  Diagnostics diag;
};

Parsed parse(const std::string& text) {
  Parsed p;
  p.m.path = "migrations/billing/0002_invoices.sql";
  p.m.feature = "billing";
  parse_migration(text, p.m, p.diag);
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

TEST(MigrationParser, UnknownDirectiveHasFileLineTextAndCaret) {
  auto p = parse("-- requirez: core/0001\n-- +up\nSELECT 1;\n");
  ASSERT_EQ(p.diag.errors.size(), 1u);
  EXPECT_EQ(p.diag.errors[0],
            "migrations/billing/0002_invoices.sql:1: unknown directive 'requirez' (known: requires, "
            "phase, transaction, lock-timeout, statement-timeout, lint-allow, batch)\n"
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
  EXPECT_NE(p.diag.errors[1].find(":2: transaction must be true or false, not 'maybe'"), std::string::npos);
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

TEST(MigrationParser, EmptyUpSectionIsAnError) {
  auto p = parse("-- +up\n-- nothing yet\n\n-- +down\nSELECT 1;\n");
  ASSERT_EQ(p.diag.errors.size(), 1u);
  EXPECT_EQ(p.diag.errors[0], "migrations/billing/0002_invoices.sql:1: the '-- +up' section has no SQL");
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
