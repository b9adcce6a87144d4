// How context changes findings: phase, transaction mode, new tables, config, lint-allow,
// facts from other migrations.
#include <gtest/gtest.h>

#include "lint_test_util.h"
#include "trellis/error.h"

namespace trellis {
namespace {

using testing::finding;
using testing::has_rule;
using testing::migration;

TEST(LintContext, DestructiveIsErrorInExpandAndAllowedInContract) {
  const char* sql = "ALTER TABLE orders DROP COLUMN note;";
  auto expand = lint({migration("a/0002_x", sql)}, {});
  ASSERT_NE(finding(expand, "drop-column"), nullptr);
  EXPECT_EQ(finding(expand, "drop-column")->severity, Severity::kError);
  auto contract = lint({migration("a/0002_x", sql, Phase::kContract)}, {});
  EXPECT_TRUE(contract.findings.empty()) << format_report(contract, LintFormat::kText);
}

TEST(LintContext, SeverityConfigChangesOrSilencesRules) {
  auto m = migration("a/0002_x", "CREATE INDEX ix ON orders (a); CREATE TABLE t (id bigint PRIMARY KEY, at timestamp);");
  LintOptions options;
  options.severity["require-concurrent-index"] = "warning";
  options.severity["prefer-timestamptz"] = "off";
  auto r = lint({m}, options);
  ASSERT_EQ(r.findings.size(), 1u) << format_report(r, LintFormat::kText);
  EXPECT_EQ(r.findings[0].severity, Severity::kWarning);
  EXPECT_TRUE(r.ok());
}

TEST(LintContext, UnknownConfigRuleIsAnError) {
  LintOptions options;
  options.severity["no-such-rule"] = "off";
  auto r = lint({}, options);
  ASSERT_NE(finding(r, "unknown-lint-config"), nullptr);
  EXPECT_EQ(finding(r, "unknown-lint-config")->message, "[lint] names unknown rule 'no-such-rule'");
}

TEST(LintContext, LintAllowSilencesOneRuleForOneFile) {
  auto a = migration("a/0002_x", "CREATE INDEX ix ON orders (a);");
  a.lint_allows.push_back({"require-concurrent-index", "small table", 3});
  auto b = migration("a/0003_y", "CREATE INDEX iy ON orders (b);");
  auto r = lint({a, b}, {});
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].id, "a/0003_y");
}

TEST(LintContext, UnknownLintAllowIsAnErrorAtItsLine) {
  auto a = migration("a/0002_x", "CREATE TABLE t (id bigint);");
  a.lint_allows.push_back({"require-concurent-index", "typo", 4});
  auto r = lint({a}, {});
  const LintFinding* f = finding(r, "unknown-lint-allow");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->file, "migrations/a/0002_x.sql");
  EXPECT_EQ(f->line, 4);
  EXPECT_EQ(f->message, "lint-allow names unknown rule 'require-concurent-index'");
}

TEST(LintContext, TablesCreatedByPendingMigrationsAreExempt) {
  auto m = migration("a/0002_x", "CREATE INDEX ix ON fresh (a); ALTER TABLE fresh ADD COLUMN b text NOT NULL;");
  LintOptions options;
  options.is_new_table = [](const std::string& t) { return t == "fresh"; };
  EXPECT_TRUE(lint({m}, options).findings.empty());
  EXPECT_TRUE(has_rule(lint({m}, {}), "require-concurrent-index"));
}

TEST(LintContext, SetNotNullAfterValidatedCheckInEarlierMigrationIsSafe) {
  auto add = migration("a/0002_check", "ALTER TABLE orders ADD CONSTRAINT note_nn CHECK (note IS NOT NULL) NOT VALID;");
  auto validate = migration("a/0003_validate", "ALTER TABLE orders VALIDATE CONSTRAINT note_nn;");
  auto set = migration("a/0004_set", "ALTER TABLE orders ALTER COLUMN note SET NOT NULL;");
  EXPECT_FALSE(has_rule(lint({add, validate, set}, {}), "set-not-null"));
  EXPECT_TRUE(has_rule(lint({add, set}, {}), "set-not-null"));  // never validated
}

TEST(LintContext, BinaryCoercibleTypeChangesAreNotFlagged) {
  auto create = migration("a/0001_t", "CREATE TABLE t (name varchar(20), code varchar(5), amount numeric(10,2), n int);");
  auto ok = migration("a/0002_ok",
                      "ALTER TABLE t ALTER COLUMN name TYPE text, ALTER COLUMN code TYPE varchar(50), "
                      "ALTER COLUMN amount TYPE numeric(12,2);");
  EXPECT_FALSE(has_rule(lint({create, ok}, {}), "change-column-type"));
  auto narrow = migration("a/0002_bad", "ALTER TABLE t ALTER COLUMN code TYPE varchar(2);");
  LintOptions applied;  // t exists with rows: a/0001_t is applied
  applied.is_applied = [](const std::string& id) { return id == "a/0001_t"; };
  auto r = lint({create, narrow}, applied);
  ASSERT_NE(finding(r, "change-column-type"), nullptr);
  EXPECT_NE(finding(r, "change-column-type")->message.find("(from varchar(5))"), std::string::npos);
  auto widen_int = migration("a/0002_int", "ALTER TABLE t ALTER COLUMN n TYPE bigint;");
  EXPECT_TRUE(has_rule(lint({create, widen_int}, applied), "change-column-type"));
}

TEST(LintContext, MessagesStateLockAndEffect) {
  auto r = lint({migration("a/0002_x", "ALTER TABLE orders ALTER COLUMN total TYPE bigint;")}, {});
  const LintFinding* f = finding(r, "change-column-type");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->message,
            "changing the type of orders.total to int8 rewrites the table and its indexes under an "
            "ACCESS EXCLUSIVE lock, which blocks all reads and writes");
  EXPECT_FALSE(f->hint.empty());
}

TEST(LintContext, SqliteStatementsAreReportedNotAnalysedAndTheRestStillLinted) {
  auto m = migration("a/0001_x",
                     "CREATE TABLE a (id INTEGER PRIMARY KEY AUTOINCREMENT);\n"
                     "CREATE INDEX ix ON orders (a);\n");
  auto r = lint({m}, {});
  const LintFinding* f = finding(r, "not-analysed");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::kWarning);
  EXPECT_EQ(f->line, 2);
  EXPECT_TRUE(has_rule(r, "require-concurrent-index"));
}

TEST(LintContext, TextFormatIsFileLineColSeverityRule) {
  auto r = lint({migration("a/0002_x", "\n  CREATE INDEX ix ON orders (a);")}, {});
  std::string text = format_report(r, LintFormat::kText);
  EXPECT_EQ(text.rfind("migrations/a/0002_x.sql:3:3: error[require-concurrent-index]: CREATE INDEX on existing table orders", 0), 0u) << text;
  EXPECT_NE(text.find("\n  help: use CREATE INDEX CONCURRENTLY"), std::string::npos);
  EXPECT_NE(text.find("1 error(s), 0 warning(s)"), std::string::npos);
}

TEST(LintContext, GithubAndJsonAndSarifFormats) {
  auto r = lint({migration("a/0002_x", "CREATE INDEX ix ON orders (a);")}, {});
  std::string gh = format_report(r, LintFormat::kGithub);
  EXPECT_EQ(gh.rfind("::error file=migrations/a/0002_x.sql,line=2,col=1,title=require-concurrent-index::CREATE INDEX", 0), 0u) << gh;
  std::string json = format_report(r, LintFormat::kJson);
  EXPECT_NE(json.find("\"rule\": \"require-concurrent-index\""), std::string::npos);
  EXPECT_NE(json.find("\"ok\": false"), std::string::npos);
  std::string sarif = format_report(r, LintFormat::kSarif);
  EXPECT_NE(sarif.find("\"version\": \"2.1.0\""), std::string::npos);
  EXPECT_NE(sarif.find("\"ruleId\": \"require-concurrent-index\""), std::string::npos);
  EXPECT_NE(sarif.find("\"startLine\": 2"), std::string::npos);
  EXPECT_THROW(parse_lint_format("xml"), Error);
}

TEST(LintContext, PlanSummaryHasStrongestLockAndFindings) {
  std::vector<Migration> ms = {migration("a/0001_x", "CREATE INDEX ix ON orders (a); ALTER TABLE users DROP COLUMN b;"),
                               migration("a/0002_y", "CREATE TABLE t (id bigint PRIMARY KEY);")};
  auto r = lint(ms, {});
  auto s = summarise_for_plan(ms, r, {}, {"a/0002_y", "a/0001_x"});
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].strongest_lock.level, LockLevel::kNone);
  EXPECT_TRUE(s[0].findings.empty());
  EXPECT_EQ(s[1].strongest_lock.table, "users");
  EXPECT_EQ(s[1].strongest_lock.level, LockLevel::kAccessExclusive);
  EXPECT_EQ(s[1].findings.size(), 2u);
}

}  // namespace
}  // namespace trellis
