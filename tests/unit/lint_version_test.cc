// Rules that follow the PostgreSQL version (LintOptions::postgres_version): a constant
// DEFAULT rewrites before 11; SET NOT NULL scans before 12 even with a validated CHECK.
#include <gtest/gtest.h>

#include "lint_test_util.h"

namespace trellis {
namespace {

using testing::finding;
using testing::has_rule;
using testing::migration;

LintReport lint_on(int version, const std::vector<Migration>& migrations) {
  LintOptions options;
  options.postgres_version = version;
  return lint(migrations, options);
}

TEST(LintVersion, ConstantDefaultRewritesBefore11Only) {
  auto m = migration("core/0002_add", "ALTER TABLE orders ADD COLUMN n int NOT NULL DEFAULT 0;");
  LintReport on10 = lint_on(10, {m});
  ASSERT_TRUE(has_rule(on10, "add-column-default-before-11")) << format_report(on10, LintFormat::kText);
  EXPECT_NE(finding(on10, "add-column-default-before-11")->message.find("rewrites the whole table"), std::string::npos);
  EXPECT_EQ(on10.postgres_version, 10);
  EXPECT_FALSE(has_rule(lint_on(11, {m}), "add-column-default-before-11"));
  EXPECT_FALSE(has_rule(lint_on(15, {m}), "add-column-default-before-11"));
  EXPECT_FALSE(has_rule(lint_on(0, {m}), "add-column-default-before-11"));  // unknown: 12 or later assumed
}

TEST(LintVersion, ConstantDefaultNearMissesOn10) {
  for (const char* sql : {"ALTER TABLE orders ADD COLUMN n int DEFAULT NULL;",
                          "ALTER TABLE orders ADD COLUMN n int;",
                          "CREATE TABLE t (id bigint); ALTER TABLE t ADD COLUMN n int DEFAULT 0;"}) {
    LintReport r = lint_on(10, {migration("core/0002_add", sql)});
    EXPECT_FALSE(has_rule(r, "add-column-default-before-11")) << sql << "\n" << format_report(r, LintFormat::kText);
  }
  // A volatile default has its own rule on every version.
  LintReport r = lint_on(10, {migration("core/0002_add", "ALTER TABLE orders ADD COLUMN t uuid DEFAULT gen_random_uuid();")});
  EXPECT_TRUE(has_rule(r, "add-column-volatile-default"));
  EXPECT_FALSE(has_rule(r, "add-column-default-before-11"));
}

TEST(LintVersion, SetNotNullScansBefore12EvenWithAValidatedCheck) {
  std::vector<Migration> ms = {
      migration("core/0002_check", "ALTER TABLE orders ADD CONSTRAINT note_nn CHECK (note IS NOT NULL) NOT VALID;"),
      migration("core/0003_validate", "ALTER TABLE orders VALIDATE CONSTRAINT note_nn;"),
      migration("core/0004_set", "ALTER TABLE orders ALTER COLUMN note SET NOT NULL;"),
  };
  EXPECT_FALSE(has_rule(lint_on(15, ms), "set-not-null"));
  EXPECT_FALSE(has_rule(lint_on(12, ms), "set-not-null"));
  EXPECT_FALSE(has_rule(lint_on(0, ms), "set-not-null"));
  LintReport on11 = lint_on(11, ms);
  const LintFinding* f = finding(on11, "set-not-null");
  ASSERT_NE(f, nullptr) << format_report(on11, LintFormat::kText);
  EXPECT_EQ(f->id, "core/0004_set");
  EXPECT_NE(f->message.find("even with the validated CHECK: PostgreSQL 11 does not use a CHECK"), std::string::npos)
      << f->message;
  EXPECT_NE(f->hint.find("keep the validated CHECK (note IS NOT NULL)"), std::string::npos) << f->hint;
  // Without the CHECK it is flagged on every version.
  EXPECT_TRUE(has_rule(lint_on(15, {ms[2]}), "set-not-null"));
}

TEST(LintVersion, AttachPartitionCheckCountsOnEveryVersion) {
  std::vector<Migration> ms = {
      migration("core/0002_check", "ALTER TABLE events_2024 ADD CONSTRAINT b CHECK (id >= 1 AND id < 2);"),
      migration("core/0003_attach", "ALTER TABLE events ATTACH PARTITION events_2024 FOR VALUES FROM (1) TO (2);"),
  };
  EXPECT_FALSE(has_rule(lint_on(10, ms), "attach-partition-without-check"));
}

TEST(LintVersion, SqliteReportsNoVersion) {
  LintOptions options;
  options.postgres_version = 10;
  options.dialect = Dialect::kSqlite;
  LintReport r = lint({migration("core/0002_add", "ALTER TABLE orders ADD COLUMN n int DEFAULT 0;")}, options);
  EXPECT_EQ(r.postgres_version, 0);
  EXPECT_EQ(r.dialect, Dialect::kSqlite);
  EXPECT_FALSE(has_rule(r, "add-column-default-before-11"));
}

}  // namespace
}  // namespace trellis
