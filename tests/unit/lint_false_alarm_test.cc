// False alarms removed (issue 16 §4), each with the case that is still flagged beside it.
#include <gtest/gtest.h>

#include "lint_test_util.h"

namespace trellis {
namespace {

using testing::finding;
using testing::has_rule;
using testing::migration;

LintReport lint_one(const std::string& sql, TxMode tx = TxMode::kTransactional, const LintOptions& options = {}) {
  return lint({migration("core/0002_m", sql, Phase::kExpand, tx)}, options);
}

// core/0001 creates the table; core/0002 alters it once 0001 is applied.
bool type_change_flagged(const std::string& before, const std::string& after) {
  LintOptions options;
  options.is_applied = [](const std::string& id) { return id == "core/0001_t"; };
  LintReport r = lint({migration("core/0001_t", "CREATE TABLE ev (c " + before + ");"),
                       migration("core/0002_m", "ALTER TABLE ev ALTER COLUMN c TYPE " + after + ";")},
                      options);
  return has_rule(r, "change-column-type");
}

TEST(LintFalseAlarm, DatetimePrecisionIncreaseIsNoRewrite) {
  EXPECT_FALSE(type_change_flagged("timestamptz(3)", "timestamptz(6)"));
  EXPECT_FALSE(type_change_flagged("timestamptz(3)", "timestamptz"));
  EXPECT_FALSE(type_change_flagged("timestamp(0)", "timestamp(3)"));
  EXPECT_FALSE(type_change_flagged("timestamp", "timestamp(6)"));
  EXPECT_FALSE(type_change_flagged("time(2)", "time(5)"));
  EXPECT_FALSE(type_change_flagged("interval(2)", "interval(4)"));
  EXPECT_FALSE(type_change_flagged("interval day to second(2)", "interval day to second(4)"));
  EXPECT_FALSE(type_change_flagged("interval day", "interval"));
  // Losing digits or fields, another type, or a type without a support function: a rewrite.
  EXPECT_TRUE(type_change_flagged("timestamptz(6)", "timestamptz(3)"));
  EXPECT_TRUE(type_change_flagged("timestamptz", "timestamptz(3)"));
  EXPECT_TRUE(type_change_flagged("time(2)", "timestamp(2)"));
  EXPECT_TRUE(type_change_flagged("interval(4)", "interval(2)"));
  EXPECT_TRUE(type_change_flagged("interval", "interval day"));
  EXPECT_TRUE(type_change_flagged("timetz(2)", "timetz(5)"));
}

TEST(LintFalseAlarm, RenameAndDropOfWhatThisMigrationCreated) {
  const char* made_here =
      "CREATE TABLE t (id bigint, a text NOT NULL);\n"
      "ALTER TABLE t RENAME COLUMN a TO b;\n"
      "ALTER TABLE t ALTER COLUMN b DROP NOT NULL;\n"
      "ALTER TABLE t DROP COLUMN b;\n"
      "ALTER TABLE t RENAME TO u;\n"
      "ALTER TABLE u DROP COLUMN id;\n"
      "ALTER TABLE orders ADD COLUMN tmp int NOT NULL DEFAULT 0;\n"
      "ALTER TABLE orders RENAME COLUMN tmp TO tmp2;\n"
      "ALTER TABLE orders ALTER COLUMN tmp2 DROP NOT NULL;\n"
      "ALTER TABLE orders DROP COLUMN tmp2;\n"
      "DROP TABLE u;\n";
  LintReport r = lint_one(made_here);
  for (const char* rule : {"rename-column", "rename-table", "drop-column", "drop-not-null", "drop-table"}) {
    EXPECT_FALSE(has_rule(r, rule)) << rule << "\n" << format_report(r, LintFormat::kText);
  }
  // Objects that existed before this migration still are.
  LintReport old = lint_one(
      "ALTER TABLE orders RENAME COLUMN note TO memo;\nALTER TABLE orders DROP COLUMN legacy;\n"
      "ALTER TABLE orders ALTER COLUMN code DROP NOT NULL;\nALTER TABLE orders RENAME TO purchases;\n");
  for (const char* rule : {"rename-column", "rename-table", "drop-column", "drop-not-null"}) {
    EXPECT_TRUE(has_rule(old, rule)) << rule << "\n" << format_report(old, LintFormat::kText);
  }
}

TEST(LintFalseAlarm, RenameBehindACompatibilityViewOfTheOldName) {
  EXPECT_FALSE(has_rule(lint_one("ALTER TABLE orders RENAME TO purchases;\nCREATE VIEW orders AS SELECT * FROM purchases;"),
                        "rename-table"));
  // A view of another name, or one before the rename, keeps nothing working.
  EXPECT_TRUE(has_rule(lint_one("ALTER TABLE orders RENAME TO purchases;\nCREATE VIEW orders_v AS SELECT * FROM purchases;"),
                       "rename-table"));
}

TEST(LintFalseAlarm, VacuumFullFalseIsAPlainVacuum) {
  for (const char* sql : {"VACUUM (FULL FALSE) orders;", "VACUUM (FULL off, ANALYZE) orders;", "VACUUM (FULL 0) orders;"}) {
    EXPECT_FALSE(has_rule(lint_one(sql, TxMode::kNone), "ban-vacuum-full")) << sql;
  }
  for (const char* sql : {"VACUUM (FULL) orders;", "VACUUM (FULL TRUE) orders;", "VACUUM (FULL 1) orders;", "VACUUM FULL orders;"}) {
    EXPECT_TRUE(has_rule(lint_one(sql, TxMode::kNone), "ban-vacuum-full")) << sql;
  }
}

TEST(LintFalseAlarm, ReindexSystemHasNoConcurrentlyToSuggest) {
  EXPECT_FALSE(has_rule(lint_one("REINDEX SYSTEM app;", TxMode::kNone), "require-concurrent-reindex"));
  EXPECT_TRUE(has_rule(lint_one("REINDEX DATABASE app;", TxMode::kNone), "require-concurrent-reindex"));
}

TEST(LintFalseAlarm, UniqueIndexNeedsAllItsColumns) {
  EXPECT_FALSE(has_rule(lint_one("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ux ON orders (a, b, c, d);", TxMode::kNone),
                        "index-too-many-columns"));
  EXPECT_TRUE(has_rule(lint_one("CREATE INDEX CONCURRENTLY IF NOT EXISTS ix ON orders (a, b, c, d);", TxMode::kNone),
                       "index-too-many-columns"));
}

TEST(LintFalseAlarm, ForeignKeyValidateNamesTheLockItsAddTook) {
  LintReport fk = lint_one(
      "ALTER TABLE orders ADD CONSTRAINT fk_u FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\n"
      "ALTER TABLE orders VALIDATE CONSTRAINT fk_u;\n");
  const LintFinding* f = finding(fk, "validate-in-same-transaction");
  ASSERT_NE(f, nullptr) << format_report(fk, LintFormat::kText);
  EXPECT_NE(f->message.find("SHARE ROW EXCLUSIVE lock, which blocks writes"), std::string::npos) << f->message;
  EXPECT_EQ(f->message.find("ACCESS EXCLUSIVE"), std::string::npos) << f->message;
  LintReport check = lint_one(
      "ALTER TABLE orders ADD CONSTRAINT pos CHECK (total > 0) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT pos;\n");
  const LintFinding* c = finding(check, "validate-in-same-transaction");
  ASSERT_NE(c, nullptr);
  EXPECT_NE(c->message.find("ACCESS EXCLUSIVE lock, which blocks all reads and writes"), std::string::npos) << c->message;
}

TEST(LintFalseAlarm, RobustStatementAdviceIsOffByDefaultBecauseTrellisRetries) {
  const char* sql = "CREATE INDEX CONCURRENTLY ix ON orders (a);";
  EXPECT_FALSE(has_rule(lint_one(sql, TxMode::kNone), "prefer-robust-stmts"));
  LintOptions on;
  on.severity["prefer-robust-stmts"] = "warning";
  LintReport r = lint_one(sql, TxMode::kNone, on);
  ASSERT_TRUE(has_rule(r, "prefer-robust-stmts"));
  EXPECT_EQ(finding(r, "prefer-robust-stmts")->severity, Severity::kWarning);
}

}  // namespace
}  // namespace trellis

namespace trellis {
namespace {

// A migration whose only statement does not parse is reported, not silently taken for
// an empty one (the scanner's split finds no statement in it).
TEST(LintNotAnalysed, ALoneStatementThatDoesNotParseIsReported) {
  for (const char* sql : {"SELEC 1;", "SELEC 1", "CREATE TABLE t (id int;"}) {
    SCOPED_TRACE(sql);
    LintReport r = lint({testing::migration("core/0002_m", sql)}, LintOptions{});
    const LintFinding* f = testing::finding(r, "not-analysed");
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->line, 2);
  }
}

}  // namespace
}  // namespace trellis
