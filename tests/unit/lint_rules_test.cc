// One case per rule of the catalogue: SQL that must be flagged, and a near miss that must
// not be; LintRuleCatalogue checks that every rule of lint_rules() has both.
#include <gtest/gtest.h>

#include <set>

#include "lint_test_util.h"
#include "project/batch_spec.h"

namespace trellis {
namespace {

using testing::has_rule;
using testing::migration;

// What `bad` and `near_miss` are, besides the SQL of one migration.
enum class CaseKind {
  kSql,
  kBackfill,  // a range backfill's body; `extra` is its `-- batch:` spec
  kConflict,  // `extra` is the SQL of a migration of another, independent feature
  kDeclared,  // the migration declares `-- conflicts: other/0001_o`, applied "before" or "after" it
  kAllow,     // the rule named by a `-- lint-allow:` of a migration of `extra`
  kConfig,    // "rule=severity" of [lint]
};

struct RuleCase {
  const char* rule;
  const char* bad;
  const char* near_miss;
  Phase phase = Phase::kExpand;
  TxMode tx = TxMode::kTransactional;
  int postgres_version = 0;  // LintOptions::postgres_version (0: unknown)
  CaseKind kind = CaseKind::kSql;
  const char* extra = "";
};

constexpr Phase kEx = Phase::kExpand;
constexpr TxMode kTx = TxMode::kTransactional;

const RuleCase kCases[] = {
    {"require-concurrent-index", "CREATE INDEX ix ON orders (user_id);",
     "CREATE TABLE t (id bigint); CREATE INDEX ix ON t (id);"},
    {"require-concurrent-index-drop", "DROP INDEX ix_orders_user;", "DROP INDEX CONCURRENTLY IF EXISTS ix_orders_user;",
     Phase::kExpand, TxMode::kNone},
    {"require-concurrent-reindex", "REINDEX TABLE orders;", "REINDEX TABLE CONCURRENTLY orders;", Phase::kExpand, TxMode::kNone},
    {"concurrently-in-transaction", "CREATE INDEX CONCURRENTLY ix ON orders (a);", "CREATE INDEX ix ON orders (a);"},
    {"add-column-not-null-without-default", "ALTER TABLE orders ADD COLUMN note text NOT NULL;",
     "ALTER TABLE orders ADD COLUMN note text NOT NULL DEFAULT '';"},
    {"add-column-volatile-default", "ALTER TABLE orders ADD COLUMN token uuid DEFAULT gen_random_uuid();",
     "ALTER TABLE orders ADD COLUMN created timestamptz DEFAULT now();"},
    {"add-column-default-before-11", "ALTER TABLE orders ADD COLUMN n int NOT NULL DEFAULT 0;",
     "ALTER TABLE orders ADD COLUMN n int DEFAULT NULL;", Phase::kExpand, TxMode::kTransactional, 10},
    {"add-column-generated-stored", "ALTER TABLE orders ADD COLUMN total2 numeric GENERATED ALWAYS AS (total * 2) STORED;",
     "CREATE TABLE o2 (total numeric, total2 numeric GENERATED ALWAYS AS (total * 2) STORED);"},
    {"add-column-serial-identity", "ALTER TABLE orders ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY;",
     "ALTER TABLE orders ADD COLUMN seq bigint;"},
    {"set-not-null", "ALTER TABLE orders ALTER COLUMN note SET NOT NULL;",
     "ALTER TABLE orders ADD CONSTRAINT note_nn CHECK (note IS NOT NULL) NOT VALID;"},
    {"constraint-missing-not-valid", "ALTER TABLE orders ADD CONSTRAINT pos CHECK (total > 0);",
     "ALTER TABLE orders ADD CONSTRAINT pos CHECK (total > 0) NOT VALID;"},
    {"validate-in-same-transaction",
     "ALTER TABLE orders ADD CONSTRAINT pos CHECK (total > 0) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT pos;",
     "ALTER TABLE orders VALIDATE CONSTRAINT pos;"},
    {"constraint-without-using-index", "ALTER TABLE orders ADD CONSTRAINT u UNIQUE (code);",
     "ALTER TABLE orders ADD CONSTRAINT u UNIQUE USING INDEX ix_code;"},
    {"change-column-type", "ALTER TABLE orders ALTER COLUMN total TYPE bigint;",
     "CREATE TABLE t (name varchar(20)); ALTER TABLE t ALTER COLUMN name TYPE text;"},
    {"unbatched-dml-with-ddl", "ALTER TABLE orders ADD COLUMN n int; UPDATE orders SET n = 0;",
     "UPDATE orders SET n = 0;"},
    {"dml-without-where", "UPDATE orders SET n = 0;", "UPDATE orders SET n = 0 WHERE id <= 1000;"},
    {"ban-vacuum-full", "VACUUM FULL orders;", "VACUUM (FULL FALSE) orders;", Phase::kExpand, TxMode::kNone},
    {"ban-cluster", "CLUSTER orders USING ix;", "ALTER TABLE orders CLUSTER ON ix;"},
    {"set-logged-unlogged", "ALTER TABLE orders SET UNLOGGED;", "CREATE UNLOGGED TABLE t (id bigint);"},
    {"set-tablespace", "ALTER TABLE orders SET TABLESPACE fast;", "CREATE TABLE t (id bigint) TABLESPACE fast;"},
    {"drop-foreign-key",
     "ALTER TABLE orders ADD CONSTRAINT fk_u FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\nALTER TABLE orders DROP CONSTRAINT fk_u;",
     "ALTER TABLE orders ADD CONSTRAINT c CHECK (a > 0) NOT VALID;\nALTER TABLE orders DROP CONSTRAINT c;", Phase::kContract},
    {"attach-partition-without-check", "ALTER TABLE events ATTACH PARTITION events_2024 FOR VALUES FROM (1) TO (2);",
     "CREATE TABLE events_2024 (id bigint); ALTER TABLE events ATTACH PARTITION events_2024 FOR VALUES FROM (1) TO (2);"},
    {"ban-truncate", "TRUNCATE orders;", "CREATE TABLE t (id bigint); TRUNCATE t;"},
    {"detach-partition-without-concurrently", "ALTER TABLE events DETACH PARTITION events_2023;",
     "ALTER TABLE events DETACH PARTITION events_2023 CONCURRENTLY;", Phase::kExpand, TxMode::kNone},
    {"refresh-matview-without-concurrently", "REFRESH MATERIALIZED VIEW totals;",
     "REFRESH MATERIALIZED VIEW CONCURRENTLY totals;"},
    {"drop-column", "ALTER TABLE orders DROP COLUMN note;", "ALTER TABLE orders DROP COLUMN note;", Phase::kExpand},
    // (drop-column's near miss is the contract phase; one made here is in lint_false_alarm_test.cc)
    {"drop-table", "DROP TABLE orders;", "CREATE TABLE scratch (id bigint); DROP TABLE scratch;"},
    {"drop-schema", "DROP SCHEMA legacy;", "CREATE SCHEMA legacy;"},
    {"rename-column", "ALTER TABLE orders RENAME COLUMN note TO memo;", "ALTER TABLE orders RENAME CONSTRAINT a TO b;"},
    {"rename-table", "ALTER TABLE orders RENAME TO purchases;", "ALTER INDEX ix RENAME TO ix2;"},
    {"rename-schema", "ALTER SCHEMA legacy RENAME TO old;", "CREATE SCHEMA old;"},
    {"rename-enum-value", "ALTER TYPE mood RENAME VALUE 'sad' TO 'blue';", "ALTER TYPE mood ADD VALUE 'blue' AFTER 'sad';"},
    {"drop-primary-key",
     "ALTER TABLE orders ADD CONSTRAINT orders_pkey PRIMARY KEY USING INDEX ux_orders_id;\nALTER TABLE orders DROP CONSTRAINT orders_pkey;",
     "ALTER TABLE orders ADD CONSTRAINT orders_code_key UNIQUE USING INDEX ux_orders_code;\nALTER TABLE orders DROP CONSTRAINT orders_code_key;"},
    {"drop-not-null", "ALTER TABLE orders ALTER COLUMN note DROP NOT NULL;",
     "ALTER TABLE orders ALTER COLUMN note SET DEFAULT '';"},
    {"duplicate-set-column", "UPDATE orders SET n = 1, total = 2, n = 3 WHERE id = 1;",
     "UPDATE orders SET tags[1] = 'a', tags[2] = 'b' WHERE id = 1;"},
    {"transaction-nesting", "CREATE TABLE t (id bigint); ROLLBACK;", "BEGIN; CREATE TABLE t (id bigint); COMMIT;"},
    {"chunked-migration", "CREATE TABLE t (id bigint); COMMIT AND CHAIN; CREATE TABLE u (id bigint);",
     "CREATE TABLE t (id bigint); SAVEPOINT a; CREATE TABLE u (id bigint);"},
    {"ban-cascade", "DROP TABLE orders CASCADE;", "DROP TABLE orders;", Phase::kContract},
    {"ban-drop-database", "DROP DATABASE prod;", "CREATE TABLE t (id bigint);"},
    {"enum-add-value-in-transaction", "ALTER TYPE mood ADD VALUE 'meh' BEFORE 'sad';",
     "ALTER TYPE mood ADD VALUE 'meh' BEFORE 'sad';", Phase::kExpand},
    {"enum-value-without-position", "ALTER TYPE mood ADD VALUE 'meh';", "ALTER TYPE mood ADD VALUE 'meh' AFTER 'ok';"},
    {"prefer-robust-stmts", "CREATE INDEX CONCURRENTLY ix ON orders (a);",
     "CREATE INDEX CONCURRENTLY IF NOT EXISTS ix ON orders (a);", Phase::kExpand, TxMode::kNone},
    {"create-extension", "CREATE EXTENSION IF NOT EXISTS pgcrypto;", "ALTER EXTENSION pgcrypto UPDATE;"},
    {"identifier-too-long",
     "CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_orders_customer_reference_and_created_at_for_the_monthly_report ON orders (a);",
     "CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_orders_customer_reference_and_created_at_for_the_report ON orders (a);",
     Phase::kExpand, TxMode::kNone},
    {"ban-domain-constraint", "CREATE DOMAIN pos AS int CHECK (VALUE > 0);", "CREATE DOMAIN pos AS int;"},
    {"prefer-timestamptz", "CREATE TABLE t (at timestamp);", "CREATE TABLE t (at timestamptz);"},
    {"prefer-jsonb", "CREATE TABLE t (doc json);", "CREATE TABLE t (doc jsonb);"},
    {"ban-char-field", "CREATE TABLE t (code char(3));", "CREATE TABLE t (code text);"},
    {"prefer-text-field", "CREATE TABLE t (name varchar(40));", "CREATE TABLE t (name varchar);"},
    {"prefer-bigint-id", "CREATE TABLE t (id int PRIMARY KEY);", "CREATE TABLE t (id bigint PRIMARY KEY, qty int);"},
    {"prefer-identity", "CREATE TABLE t (id bigserial PRIMARY KEY);",
     "CREATE TABLE t (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);"},
    {"require-primary-key", "CREATE TABLE t (id bigint, name text);", "CREATE TABLE t (id bigint, name text, PRIMARY KEY (id));"},
    {"unnamed-constraint", "CREATE TABLE t (id bigint PRIMARY KEY, qty int CHECK (qty > 0));",
     "CREATE TABLE t (id bigint PRIMARY KEY, qty int CONSTRAINT t_qty_check CHECK (qty > 0));"},
    {"index-too-many-columns", "CREATE INDEX CONCURRENTLY IF NOT EXISTS ix ON orders (a, b, c, d);",
     "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ix ON orders (a, b, c, d);", Phase::kExpand, TxMode::kNone},
    {"backfill-window", "UPDATE orders SET n = 0 WHERE id >= :lo AND id < :hi;",
     "UPDATE orders SET n = 0 WHERE id > :lo AND id <= :hi AND n IS NULL;", Phase::kBackfill, kTx, 0, CaseKind::kBackfill,
     "table=orders key=id size=1000"},
    {"validate-under-held-lock", "ALTER TABLE orders ADD COLUMN n int;\nALTER TABLE orders VALIDATE CONSTRAINT pos;",
     "ALTER TABLE orders VALIDATE CONSTRAINT pos;"},
    {"unique-may-fail-on-duplicates", "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ux ON orders (code);",
     "CREATE TABLE t (code text); CREATE UNIQUE INDEX ux ON t (code);", kEx, TxMode::kNone},
    {"needs-newer-postgres", "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ux ON orders (code) NULLS NOT DISTINCT;",
     "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ux ON orders (code);", kEx, TxMode::kNone, 14},
    {"conflict-drop-used", "ALTER TABLE orders DROP COLUMN note;", "ALTER TABLE orders DROP COLUMN memo;", Phase::kContract,
     kTx, 0, CaseKind::kConflict, "ALTER TABLE orders ALTER COLUMN note SET DEFAULT '';"},
    {"conflict-both-alter", "ALTER TABLE orders ALTER COLUMN note SET DEFAULT 'a';",
     "ALTER TABLE orders ALTER COLUMN memo SET DEFAULT 'a';", kEx, kTx, 0, CaseKind::kConflict,
     "ALTER TABLE orders ALTER COLUMN note SET DEFAULT 'b';"},
    {"conflict-both-create", "CREATE TABLE tags (id bigint PRIMARY KEY);", "CREATE TABLE labels (id bigint PRIMARY KEY);",
     kEx, kTx, 0, CaseKind::kConflict, "CREATE TABLE tags (id bigint PRIMARY KEY);"},
    {"missing-requires", "ALTER TABLE tags ADD COLUMN name text;", "ALTER TABLE orders ADD COLUMN name text;", kEx, kTx, 0,
     CaseKind::kConflict, "CREATE TABLE tags (id bigint PRIMARY KEY);"},
    {"declared-conflict", "before", "after", kEx, kTx, 0, CaseKind::kDeclared},
    {"not-analysed", "CREATE TABLE t (id integer PRIMARY KEY AUTOINCREMENT);", "CREATE TABLE t (id integer PRIMARY KEY);"},
    {"unknown-lint-allow", "no-such-rule", "ban-truncate", kEx, kTx, 0, CaseKind::kAllow, "TRUNCATE orders;"},
    {"unknown-lint-config", "no-such-rule=warning", "ban-truncate=warning", kEx, kTx, 0, CaseKind::kConfig},
};

// The migrations of one side of a case, and the options to lint them with.
std::vector<Migration> case_migrations(const RuleCase& c, const std::string& id, const std::string& text, Phase phase,
                                       TxMode tx, LintOptions& options) {
  std::string sql = c.kind == CaseKind::kAllow ? c.extra : c.kind == CaseKind::kConfig ? "SELECT 1;" : text;
  Migration m = migration(id, sql, phase, tx);
  if (c.kind == CaseKind::kAllow) m.lint_allows.push_back({text, "a reason", 1});
  if (c.kind == CaseKind::kConfig) options.severity[text.substr(0, text.find('='))] = text.substr(text.find('=') + 1);
  if (c.kind == CaseKind::kBackfill) {
    std::string problem;
    m.batch = parse_batch_spec(c.extra, problem);
  }
  if (c.kind == CaseKind::kDeclared) {
    std::string other_first = text;  // "before": other/0001_o is applied before m (m depends on it)
    m = migration(id, "SELECT 1;", phase, tx);
    m.conflicts.push_back({"other/0001_o", 1});
    options.depends_on = [other_first, id](const std::string& a, const std::string& b) {
      return other_first == "before" ? a == id && b == "other/0001_o" : a == "other/0001_o" && b == id;
    };
    return {m, migration("other/0001_o", "SELECT 2;")};
  }
  if (c.kind != CaseKind::kConflict) return {m};
  options.depends_on = [](const std::string&, const std::string&) { return false; };
  return {m, migration("other/0001_o", c.extra)};
}

class LintRule : public ::testing::TestWithParam<RuleCase> {};

TEST_P(LintRule, FlagsBadAndNotNearMiss) {
  const RuleCase& c = GetParam();
  LintOptions options;
  options.postgres_version = c.postgres_version;
  // A rule that is off by default is tested turned on.
  if (find_rule(c.rule)->default_severity == LintSeverity::kOff) options.severity[c.rule] = "warning";
  LintOptions bad_options = options;
  auto bad = lint(case_migrations(c, "core/0002_bad", c.bad, c.phase, c.tx, bad_options), bad_options);
  EXPECT_TRUE(has_rule(bad, c.rule)) << format_report(bad, LintFormat::kText);
  // Near misses differ in SQL, or (for phase/transaction rules) in context.
  Phase good_phase = c.phase;
  TxMode good_tx = c.tx;
  std::string rule = c.rule;
  if (rule == "drop-column") good_phase = Phase::kContract;
  if (rule == "enum-add-value-in-transaction") good_tx = TxMode::kNone;
  auto good = lint(case_migrations(c, "core/0003_good", c.near_miss, good_phase, good_tx, options), options);
  EXPECT_FALSE(has_rule(good, c.rule)) << format_report(good, LintFormat::kText);
}

std::string case_name(const ::testing::TestParamInfo<RuleCase>& info) {
  std::string name = info.param.rule;
  for (auto& ch : name) {
    if (ch == '-') ch = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(AllRules, LintRule, ::testing::ValuesIn(kCases), case_name);

// issue 16's "done when": every rule of the catalogue has a violating and a passing case.
TEST(LintRuleCatalogue, EveryRuleHasAViolatingAndAPassingCase) {
  std::set<std::string> tested;
  for (const auto& c : kCases) {
    EXPECT_TRUE(find_rule(c.rule) != nullptr) << "case for unknown rule " << c.rule;
    EXPECT_NE(std::string(c.bad), "") << c.rule;
    EXPECT_NE(std::string(c.near_miss), "") << c.rule;
    EXPECT_TRUE(tested.insert(c.rule).second) << "two cases for " << c.rule;
  }
  for (const auto& r : lint_rules()) EXPECT_TRUE(tested.count(r.id)) << "no case for rule " << r.id;
}

}  // namespace
}  // namespace trellis
