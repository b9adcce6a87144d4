// VALIDATE under a lock the transaction already holds, unique indexes that fail on
// duplicate data, and syntax an older `[lint] postgres_version` rejects (issue 16 §2, §4).
#include <gtest/gtest.h>

#include "lint_test_util.h"

namespace trellis {
namespace {

using testing::finding;
using testing::has_rule;
using testing::migration;

LintReport lint_one(const std::string& sql, TxMode tx = TxMode::kTransactional, int version = 0) {
  LintOptions options;
  options.postgres_version = version;
  return lint({migration("core/0002_m", sql, Phase::kExpand, tx)}, options);
}

TEST(LintHeldLock, ValidateAfterAnAccessExclusiveStatementOfTheSameTransaction) {
  LintReport r = lint_one("ALTER TABLE orders ALTER COLUMN note SET DEFAULT '';\nALTER TABLE orders VALIDATE CONSTRAINT pos;");
  const LintFinding* f = finding(r, "validate-under-held-lock");
  ASSERT_NE(f, nullptr) << format_report(r, LintFormat::kText);
  EXPECT_EQ(f->severity, Severity::kError);
  EXPECT_EQ(f->line, 3);
  EXPECT_NE(f->message.find("already holds an ACCESS EXCLUSIVE lock on it (taken by the statement at line 2)"),
            std::string::npos)
      << f->message;
  EXPECT_NE(f->hint.find("later migration"), std::string::npos);
  // The same subcommand list: ALTER TABLE takes its strongest lock for all of them.
  EXPECT_TRUE(has_rule(lint_one("ALTER TABLE orders VALIDATE CONSTRAINT pos, ADD COLUMN n int;"), "validate-under-held-lock"));
  // An explicit LOCK TABLE (ACCESS EXCLUSIVE unless a mode is given), and a CREATE INDEX's
  // SHARE lock: both block writes.
  EXPECT_TRUE(has_rule(lint_one("LOCK TABLE orders;\nALTER TABLE orders VALIDATE CONSTRAINT pos;"), "validate-under-held-lock"));
  EXPECT_TRUE(has_rule(lint_one("LOCK TABLE orders IN SHARE MODE;\nALTER TABLE orders VALIDATE CONSTRAINT pos;"),
                       "validate-under-held-lock"));
  EXPECT_FALSE(has_rule(lint_one("LOCK TABLE orders IN ROW EXCLUSIVE MODE;\nALTER TABLE orders VALIDATE CONSTRAINT pos;"),
                        "validate-under-held-lock"));
  // A CREATE INDEX's SHARE lock blocks writes too.
  EXPECT_TRUE(has_rule(lint_one("CREATE INDEX ix ON orders (a);\nALTER TABLE orders VALIDATE CONSTRAINT pos;"),
                       "validate-under-held-lock"));
}

TEST(LintHeldLock, NotWhenTheLockIsGoneOrOnAnotherTable) {
  for (const char* sql : {"ALTER TABLE orders VALIDATE CONSTRAINT pos;",
                          "ALTER TABLE users ADD COLUMN n int;\nALTER TABLE orders VALIDATE CONSTRAINT pos;",
                          "SELECT count(*) FROM orders;\nALTER TABLE orders VALIDATE CONSTRAINT pos;",
                          "ALTER TABLE orders ADD COLUMN n int;\nCOMMIT;\nALTER TABLE orders VALIDATE CONSTRAINT pos;",
                          "CREATE TABLE t (a int);\nALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID;\nALTER TABLE t VALIDATE CONSTRAINT c;"}) {
    LintReport r = lint_one(sql);
    EXPECT_FALSE(has_rule(r, "validate-under-held-lock")) << sql << "\n" << format_report(r, LintFormat::kText);
  }
  // Outside a transaction each statement commits and lets its locks go.
  EXPECT_FALSE(has_rule(lint_one("ALTER TABLE orders ADD COLUMN n int;\nALTER TABLE orders VALIDATE CONSTRAINT pos;", TxMode::kNone),
                        "validate-under-held-lock"));
  // Added NOT VALID in the same transaction: validate-in-same-transaction says it, once.
  LintReport same = lint_one("ALTER TABLE orders ADD CONSTRAINT pos CHECK (total > 0) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT pos;");
  EXPECT_TRUE(has_rule(same, "validate-in-same-transaction"));
  EXPECT_FALSE(has_rule(same, "validate-under-held-lock"));
}

TEST(LintUnique, EveryUniqueBuildOverExistingRowsSaysItCanFail) {
  LintReport plain = lint_one("CREATE UNIQUE INDEX ux ON orders (code);");
  ASSERT_TRUE(has_rule(plain, "require-concurrent-index"));  // the lock finding, and beside it:
  const LintFinding* f = finding(plain, "unique-may-fail-on-duplicates");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::kWarning);
  EXPECT_NE(f->message.find("fails if two rows share a value of (code)"), std::string::npos) << f->message;
  EXPECT_NE(f->hint.find("GROUP BY code HAVING count(*) > 1"), std::string::npos) << f->hint;

  LintReport concurrent = lint_one("CREATE UNIQUE INDEX CONCURRENTLY ux ON orders (code, region);", TxMode::kNone);
  f = finding(concurrent, "unique-may-fail-on-duplicates");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->message.find("INVALID index"), std::string::npos) << f->message;
  EXPECT_NE(f->message.find("Trellis drops"), std::string::npos) << f->message;

  EXPECT_TRUE(has_rule(lint_one("ALTER TABLE orders ADD CONSTRAINT orders_code_key UNIQUE (code);"), "unique-may-fail-on-duplicates"));
  EXPECT_TRUE(has_rule(lint_one("ALTER TABLE orders ADD CONSTRAINT orders_pkey PRIMARY KEY (id);"), "unique-may-fail-on-duplicates"));
  LintReport pk = lint_one("ALTER TABLE orders ADD CONSTRAINT orders_pkey PRIMARY KEY USING INDEX ux_orders_id;");
  ASSERT_TRUE(has_rule(pk, "unique-may-fail-on-duplicates"));
  EXPECT_NE(finding(pk, "unique-may-fail-on-duplicates")->message.find("NULL"), std::string::npos);
}

TEST(LintUnique, NotOnNewTablesNorWhereTheIndexIsAlreadyUnique) {
  for (const char* sql : {"CREATE TABLE t (code text);\nCREATE UNIQUE INDEX ux ON t (code);",
                          "CREATE TABLE t (code text, CONSTRAINT t_code_key UNIQUE (code), id bigint PRIMARY KEY);",
                          "ALTER TABLE orders ADD CONSTRAINT orders_code_key UNIQUE USING INDEX ux_orders_code;",
                          "CREATE INDEX ix ON orders (code);"}) {
    LintReport r = lint_one(sql);
    EXPECT_FALSE(has_rule(r, "unique-may-fail-on-duplicates")) << sql << "\n" << format_report(r, LintFormat::kText);
  }
}

TEST(LintVersionGates, SyntaxAnOlderServerRejects) {
  struct Gate {
    const char* sql;
    int first;  // the first major version that accepts it
    TxMode tx;
  };
  const Gate gates[] = {
      {"CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ux ON orders (code) NULLS NOT DISTINCT;", 15, TxMode::kNone},
      {"CREATE TABLE t (id bigint PRIMARY KEY, code text, CONSTRAINT t_code_key UNIQUE NULLS NOT DISTINCT (code));", 15, TxMode::kTransactional},
      {"ALTER TABLE events DETACH PARTITION events_2023 CONCURRENTLY;", 14, TxMode::kNone},
      {"REINDEX INDEX CONCURRENTLY ix_orders_user;", 12, TxMode::kNone},
      {"CREATE TABLE t (id bigint PRIMARY KEY, a int, b int GENERATED ALWAYS AS (a * 2) STORED);", 12, TxMode::kTransactional},
      {"CREATE INDEX CONCURRENTLY IF NOT EXISTS ix ON orders (user_id) INCLUDE (total);", 11, TxMode::kNone},
      {"CREATE TABLE t (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);", 10, TxMode::kTransactional},
      {"MERGE INTO orders o USING incoming i ON o.id = i.id WHEN MATCHED THEN UPDATE SET total = i.total;", 15, TxMode::kTransactional},
      {"CREATE OR REPLACE TRIGGER t BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch();", 14, TxMode::kTransactional},
      {"ALTER TYPE mood ADD VALUE 'meh' AFTER 'ok';", 12, TxMode::kTransactional},
  };
  for (const auto& g : gates) {
    LintReport older = lint_one(g.sql, g.tx, g.first - 1);
    const LintFinding* f = finding(older, "needs-newer-postgres");
    ASSERT_NE(f, nullptr) << g.sql << "\n" << format_report(older, LintFormat::kText);
    EXPECT_EQ(f->severity, Severity::kError);
    EXPECT_NE(f->message.find("needs PostgreSQL " + std::to_string(g.first) + " or later"), std::string::npos) << f->message;
    EXPECT_NE(f->message.find("linting for PostgreSQL " + std::to_string(g.first - 1)), std::string::npos) << f->message;
    EXPECT_FALSE(has_rule(lint_one(g.sql, g.tx, g.first), "needs-newer-postgres")) << g.sql;
    EXPECT_FALSE(has_rule(lint_one(g.sql, g.tx, 0), "needs-newer-postgres")) << g.sql;  // unknown: no finding
  }
  // ADD VALUE outside a transaction works on every version.
  EXPECT_FALSE(has_rule(lint_one("ALTER TYPE mood ADD VALUE 'meh' AFTER 'ok';", TxMode::kNone, 11), "needs-newer-postgres"));
}

TEST(LintVersionGates, NoConcurrentlyAdviceWhereTheVersionHasNone) {
  LintReport r11 = lint_one("REINDEX TABLE orders;", TxMode::kNone, 11);
  ASSERT_TRUE(has_rule(r11, "require-concurrent-reindex"));
  EXPECT_EQ(finding(r11, "require-concurrent-reindex")->hint.find("use REINDEX ... CONCURRENTLY"), std::string::npos);
  EXPECT_NE(finding(r11, "require-concurrent-reindex")->hint.find("CREATE INDEX CONCURRENTLY"), std::string::npos);
  LintReport r12 = lint_one("REINDEX TABLE orders;", TxMode::kNone, 12);
  EXPECT_NE(finding(r12, "require-concurrent-reindex")->hint.find("REINDEX ... CONCURRENTLY"), std::string::npos);

  LintReport d13 = lint_one("ALTER TABLE events DETACH PARTITION events_2023;", TxMode::kTransactional, 13);
  ASSERT_TRUE(has_rule(d13, "detach-partition-without-concurrently"));
  EXPECT_EQ(finding(d13, "detach-partition-without-concurrently")->hint.find("use DETACH PARTITION ... CONCURRENTLY"),
            std::string::npos);
  EXPECT_NE(finding(d13, "detach-partition-without-concurrently")->hint.find("lock_timeout"), std::string::npos);
  LintReport d0 = lint_one("ALTER TABLE events DETACH PARTITION events_2023;");
  EXPECT_NE(finding(d0, "detach-partition-without-concurrently")->hint.find("CONCURRENTLY"), std::string::npos);
}

}  // namespace
}  // namespace trellis
