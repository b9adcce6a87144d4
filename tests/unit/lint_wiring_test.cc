// What lint, plan and check rely on: tables created by pending migrations count as new,
// the dialect skips PostgreSQL-only rules, plan summaries, the binary analysis cache.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "lint_test_util.h"
#include "trellis/workspace.h"

namespace trellis {
namespace {

using testing::has_rule;
using testing::migration;

TEST(LintNewTables, TableOfAnEarlierPendingMigrationOfTheChainIsNew) {
  std::vector<Migration> ms = {migration("billing/0001_t", "CREATE TABLE invoices (id bigint PRIMARY KEY, user_id bigint);"),
                               migration("billing/0002_ix", "CREATE INDEX ix_invoices_user ON invoices (user_id);")};
  EXPECT_FALSE(has_rule(lint(ms, {}), "require-concurrent-index"));  // no database: nothing applied
  LintOptions applied;
  applied.is_applied = [](const std::string& id) { return id == "billing/0001_t"; };
  LintReport r = lint(ms, applied);
  ASSERT_TRUE(has_rule(r, "require-concurrent-index"));
  EXPECT_EQ(testing::finding(r, "require-concurrent-index")->id, "billing/0002_ix");
}

TEST(LintNewTables, OnlyTablesOfMigrationsItDependsOnAreNew) {
  std::vector<Migration> ms = {migration("core/0001_t", "CREATE TABLE users (id bigint PRIMARY KEY, email text);"),
                               migration("audit/0001_ix", "CREATE INDEX ix_users_email ON users (email);"),
                               migration("billing/0001_ix", "CREATE INDEX ix_users_email2 ON users (email);")};
  LintOptions o;
  // billing/0001 requires core/0001; audit/0001 does not.
  o.depends_on = [](const std::string& a, const std::string& b) { return a == "billing/0001_ix" && b == "core/0001_t"; };
  LintReport r = lint(ms, o);
  std::vector<std::string> flagged;
  for (const auto& f : r.findings) {
    if (f.code == "require-concurrent-index") flagged.push_back(f.id);
  }
  EXPECT_EQ(flagged, std::vector<std::string>{"audit/0001_ix"});
  EXPECT_TRUE(has_rule(r, "missing-requires"));
}

TEST(LintNewTables, ALaterMigrationOfTheChainDoesNotMakeATableNew) {
  std::vector<Migration> ms = {migration("a/0001_ix", "CREATE INDEX ix ON t (x);"),
                               migration("a/0002_t", "CREATE TABLE t (id bigint PRIMARY KEY, x int);")};
  EXPECT_TRUE(has_rule(lint(ms, {}), "require-concurrent-index"));
}

TEST(LintDialect, SqliteSkipsPostgresOnlyRulesAndKeepsTheRest) {
  std::vector<Migration> ms = {
      migration("a/0001_t", "CREATE TABLE t (id INTEGER PRIMARY KEY, at timestamp, name varchar(20));\n"
                            "CREATE INDEX ix ON orders (x);\n"
                            "ALTER TABLE orders DROP COLUMN legacy;\n"
                            "CREATE TABLE k (id INTEGER PRIMARY KEY AUTOINCREMENT);"),
      migration("b/0001_t", "CREATE TABLE t (id integer);")};
  LintOptions pg;
  pg.depends_on = [](const std::string&, const std::string&) { return false; };
  LintOptions sqlite = pg;
  sqlite.dialect = Dialect::kSqlite;
  LintReport on_pg = lint(ms, pg), on_sqlite = lint(ms, sqlite);
  for (const char* rule : {"prefer-bigint-id", "prefer-timestamptz", "prefer-text-field", "require-concurrent-index"}) {
    EXPECT_TRUE(has_rule(on_pg, rule)) << rule;
    EXPECT_FALSE(has_rule(on_sqlite, rule)) << rule;
  }
  for (const char* rule : {"drop-column", "not-analysed", "conflict-both-create"}) {
    EXPECT_TRUE(has_rule(on_pg, rule)) << rule;
    EXPECT_TRUE(has_rule(on_sqlite, rule)) << rule;
  }
}

TEST(LintDialect, FromTheDatabaseUrl) {
  EXPECT_EQ(dialect_of_url("sqlite:dev.db"), Dialect::kSqlite);
  EXPECT_EQ(dialect_of_url("sqlite::memory:"), Dialect::kSqlite);
  EXPECT_EQ(dialect_of_url("postgres://db/app"), Dialect::kPostgres);
  EXPECT_EQ(dialect_of_url("host=db dbname=app"), Dialect::kPostgres);
  EXPECT_EQ(dialect_of_url(""), Dialect::kPostgres);
  for (const RuleInfo& r : lint_rules()) {
    if (r.category == RuleCategory::kConflict || r.category == RuleCategory::kMeta) {
      EXPECT_EQ(r.scope, RuleScope::kAnyDatabase) << r.id;
    }
  }
}

TEST(PlanSummary, StrongestLockAndFindingsOfPendingMigrationsOnly) {
  std::vector<Migration> ms = {migration("a/0001_t", "CREATE TABLE t (id bigint PRIMARY KEY, x int);"),
                               migration("a/0002_ix", "CREATE INDEX ix ON t (x);\nALTER TABLE t ADD COLUMN y int;")};
  LintOptions o;
  o.is_applied = [](const std::string& id) { return id == "a/0001_t"; };
  LintReport r = lint(ms, o);
  auto s = summarise_for_plan(ms, r, {}, {"a/0002_ix"});
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].strongest_lock.table, "t");
  EXPECT_EQ(s[0].strongest_lock.level, LockLevel::kAccessExclusive);
  ASSERT_EQ(s[0].findings.size(), 1u);
  EXPECT_EQ(s[0].findings[0].code, "require-concurrent-index");
  EXPECT_EQ(s[0].findings[0].line, 2);
}

TEST(AnalysisCacheFile, RoundTripsEveryFieldAndIgnoresATruncatedFile) {
  auto dir = std::filesystem::temp_directory_path() / ("trellis-cache-bin-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  auto m = migration("a/0001_x",
                     "ALTER TABLE t ADD CONSTRAINT c CHECK (x IS NOT NULL) NOT VALID;\n"
                     "ALTER TABLE t VALIDATE CONSTRAINT c;\nALTER TABLE t ALTER COLUMN n TYPE varchar(9);\n"
                     "ALTER TABLE t RENAME COLUMN a TO b;\nUPDATE t SET x = 'caf\\u00e9 \"q\"';\nSELEC oops;");
  {
    AnalysisCache cache(dir.string());
    cache.load();
    cache.get(m);
    cache.save();
  }
  AnalysisCache again(dir.string());
  again.load();
  const MigrationAnalysis& a = again.get(m);
  EXPECT_EQ(again.hits(), 1);
  MigrationAnalysis fresh = analyse_migration(m);
  ASSERT_EQ(a.statements.size(), fresh.statements.size());
  for (size_t i = 0; i < a.statements.size(); ++i) {
    const auto &x = a.statements[i], &y = fresh.statements[i];
    EXPECT_EQ(x.kind, y.kind);
    EXPECT_EQ(x.text, y.text);
    EXPECT_EQ(x.parsed, y.parsed);
    EXPECT_EQ(x.parse_error, y.parse_error);
    EXPECT_EQ(x.objects.size(), y.objects.size());
    EXPECT_EQ(x.constraints.size(), y.constraints.size());
    EXPECT_EQ(x.column_types, y.column_types);
    ASSERT_EQ(x.hazards.size(), y.hazards.size());
    for (size_t h = 0; h < x.hazards.size(); ++h) {
      EXPECT_EQ(x.hazards[h].message, y.hazards[h].message);
      EXPECT_EQ(x.hazards[h].only_existing_table, y.hazards[h].only_existing_table);
      EXPECT_EQ(x.hazards[h].exempt_if_validated_check, y.hazards[h].exempt_if_validated_check);
    }
  }
  // Cut the file short: it reads as an empty cache, never as a partial one.
  auto path = dir / "analysis-cache.bin";
  auto size = std::filesystem::file_size(path);
  std::filesystem::resize_file(path, size - 3);
  AnalysisCache cut(dir.string());
  cut.load();
  cut.get(m);
  EXPECT_EQ(cut.hits(), 0);
  EXPECT_EQ(cut.misses(), 1);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace trellis
