// Rules peers have that Trellis lacked (issue 16 §4), beyond the one case each of
// lint_rules_test.cc: the variants that must and must not be flagged.
#include <gtest/gtest.h>

#include "lint_test_util.h"

namespace trellis {
namespace {

using testing::finding;
using testing::has_rule;
using testing::migration;

LintReport lint_one(const std::string& sql, TxMode tx = TxMode::kTransactional) {
  return lint({migration("core/0002_m", sql, Phase::kExpand, tx)}, {});
}

TEST(LintMissingRules, PrimaryKeyWhereATableNeedsOne) {
  for (const char* sql : {"CREATE TABLE t (id bigint PRIMARY KEY);",
                          "CREATE TABLE t (a bigint, b bigint, CONSTRAINT t_pkey PRIMARY KEY (a, b));",
                          "CREATE TABLE t_2024 PARTITION OF t FOR VALUES FROM (1) TO (2);",
                          "CREATE TEMP TABLE scratch (id bigint);",
                          "CREATE TABLE t2 (LIKE t INCLUDING ALL);",
                          "CREATE TABLE child (extra text) INHERITS (parent);"}) {
    EXPECT_FALSE(has_rule(lint_one(sql), "require-primary-key")) << sql;
  }
  LintReport r = lint_one("CREATE TABLE audit (at timestamptz, what text, UNIQUE (at));");
  ASSERT_TRUE(has_rule(r, "require-primary-key"));
  EXPECT_EQ(finding(r, "require-primary-key")->severity, Severity::kWarning);
}

TEST(LintMissingRules, UnnamedConstraintsColumnAndTableLevel) {
  for (const char* sql : {"CREATE TABLE t (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));",
                          "CREATE TABLE t (id bigint PRIMARY KEY, code text UNIQUE);",
                          "CREATE TABLE t (id bigint PRIMARY KEY, a int, b int, UNIQUE (a, b));",
                          "ALTER TABLE orders ADD CHECK (total > 0) NOT VALID;"}) {
    EXPECT_TRUE(has_rule(lint_one(sql), "unnamed-constraint")) << sql;
  }
  for (const char* sql : {"CREATE TABLE t (id bigint PRIMARY KEY, user_id bigint CONSTRAINT t_user_fk REFERENCES users (id));",
                          "ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total > 0) NOT VALID;",
                          "ALTER TABLE orders ADD UNIQUE USING INDEX ux_orders_code;",
                          "CREATE TABLE t (id bigint PRIMARY KEY, note text NOT NULL);"}) {
    EXPECT_FALSE(has_rule(lint_one(sql), "unnamed-constraint")) << sql;
  }
}

TEST(LintMissingRules, RefreshOfAViewThatIsNotNew) {
  EXPECT_FALSE(has_rule(lint_one("CREATE MATERIALIZED VIEW totals AS SELECT 1 AS n WITH NO DATA;\nREFRESH MATERIALIZED VIEW totals;"),
                        "refresh-matview-without-concurrently"));
  // Created by an earlier migration of the chain that is not applied: new too.
  LintReport chain = lint({migration("core/0001_v", "CREATE MATERIALIZED VIEW totals AS SELECT 1 AS n WITH NO DATA;"),
                           migration("core/0002_r", "REFRESH MATERIALIZED VIEW totals;")},
                          {});
  EXPECT_FALSE(has_rule(chain, "refresh-matview-without-concurrently"));
  LintReport r = lint_one("REFRESH MATERIALIZED VIEW totals WITH NO DATA;");
  ASSERT_TRUE(has_rule(r, "refresh-matview-without-concurrently"));
  EXPECT_NE(finding(r, "refresh-matview-without-concurrently")->message.find("ACCESS EXCLUSIVE"), std::string::npos);
}

TEST(LintMissingRules, LongNamesOfEveryKindCreatedOrRenamedTo) {
  std::string long_name(64, 'c');
  std::string max_name(63, 'c');
  for (const std::string& sql : {"CREATE TABLE " + long_name + " (id bigint PRIMARY KEY);",
                                 "CREATE TABLE t (id bigint PRIMARY KEY, " + long_name + " text);",
                                 "ALTER TABLE orders ADD CONSTRAINT " + long_name + " CHECK (a > 0) NOT VALID;",
                                 "ALTER TABLE orders RENAME COLUMN a TO " + long_name + ";"}) {
    LintReport r = lint_one(sql);
    ASSERT_TRUE(has_rule(r, "identifier-too-long")) << sql << "\n" << format_report(r, LintFormat::kText);
    EXPECT_NE(finding(r, "identifier-too-long")->message.find("is 64 bytes"), std::string::npos);
  }
  EXPECT_FALSE(has_rule(lint_one("CREATE TABLE " + max_name + " (id bigint PRIMARY KEY);"), "identifier-too-long"));
  // Naming a long object is no new harm: only creating or renaming one is.
  EXPECT_FALSE(has_rule(lint_one("SELECT * FROM " + long_name + ";"), "identifier-too-long"));
}

TEST(LintMissingRules, CreateExtensionIsAWarningEvenIfNotExists) {
  LintReport r = lint_one("CREATE EXTENSION IF NOT EXISTS pg_trgm;");
  ASSERT_TRUE(has_rule(r, "create-extension"));
  EXPECT_EQ(finding(r, "create-extension")->severity, Severity::kWarning);
  EXPECT_FALSE(has_rule(lint({migration("core/0002_m", "CREATE EXTENSION pg_trgm;")}, [] {
                          LintOptions o;
                          o.dialect = Dialect::kSqlite;
                          return o;
                        }()),
                        "create-extension"));
}

TEST(LintMissingRules, AlterColumnTypeGetsTheTypeHygieneRules) {
  struct Case {
    const char* type;
    const char* rule;
  };
  for (const Case& c : {Case{"timestamp", "prefer-timestamptz"}, Case{"varchar(40)", "prefer-text-field"},
                        Case{"json", "prefer-jsonb"}, Case{"char(3)", "ban-char-field"}}) {
    LintReport r = lint_one(std::string("CREATE TABLE t (id bigint PRIMARY KEY, c text);\nALTER TABLE t ALTER COLUMN c TYPE ") +
                            c.type + ";");
    EXPECT_TRUE(has_rule(r, c.rule)) << c.type << "\n" << format_report(r, LintFormat::kText);
  }
  LintReport good = lint_one("CREATE TABLE t (id bigint PRIMARY KEY, c text);\nALTER TABLE t ALTER COLUMN c TYPE timestamptz USING c::timestamptz;");
  EXPECT_TRUE(good.findings.empty()) << format_report(good, LintFormat::kText);
}

TEST(LintMissingRules, DetachConcurrentlyNeedsNoTransaction) {
  LintReport in_tx = lint_one("ALTER TABLE events DETACH PARTITION events_2023 CONCURRENTLY;");
  EXPECT_TRUE(has_rule(in_tx, "concurrently-in-transaction"));
  EXPECT_FALSE(has_rule(in_tx, "detach-partition-without-concurrently"));
  // A partitioned table created in this migration is new.
  EXPECT_FALSE(has_rule(lint_one("CREATE TABLE events (id bigint PRIMARY KEY) PARTITION BY RANGE (id);\n"
                                 "ALTER TABLE events DETACH PARTITION events_2023;"),
                        "detach-partition-without-concurrently"));
}

TEST(LintMissingRules, DropPrimaryKeyKnownFromAnyMigrationOrByItsDefaultName) {
  LintReport r = lint({migration("core/0001_t", "CREATE TABLE accounts (id bigint PRIMARY KEY);"),
                       migration("core/0002_m", "ALTER TABLE accounts DROP CONSTRAINT accounts_pkey;")},
                      [] {
                        LintOptions o;
                        o.is_applied = [](const std::string& id) { return id == "core/0001_t"; };
                        return o;
                      }());
  const LintFinding* f = finding(r, "drop-primary-key");
  ASSERT_NE(f, nullptr) << format_report(r, LintFormat::kText);
  EXPECT_EQ(f->id, "core/0002_m");
  // In a contract migration it is the planned step.
  LintReport contract = lint({migration("core/0001_t", "CREATE TABLE accounts (id bigint PRIMARY KEY);"),
                              migration("core/0002_m", "ALTER TABLE accounts DROP CONSTRAINT accounts_pkey;", Phase::kContract)},
                             {});
  EXPECT_FALSE(has_rule(contract, "drop-primary-key"));
}

}  // namespace
}  // namespace trellis
