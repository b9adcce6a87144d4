#include <gtest/gtest.h>

#include "trellis/analysis.h"

namespace trellis {
namespace {

Migration make(const std::string& sql, int first_line = 3) {
  Migration m;
  m.id = "core/0001_x";
  m.feature = "core";
  m.path = "migrations/core/0001_x.sql";
  m.checksum = "c1";
  m.up.present = true;
  m.up.sql = sql;
  m.up.first_line = first_line;
  return m;
}

const ObjectUse* find_use(const StatementInfo& s, const std::string& name, Access access) {
  for (const auto& u : s.objects) {
    if (u.name == name && u.access == access) return &u;
  }
  return nullptr;
}

TEST(AnalysisModel, LinesAndColumnsSkipCommentsBetweenStatements) {
  auto a = analyse_migration(make("CREATE TABLE a (id bigint);\n-- note\n\n  CREATE TABLE b (id bigint);\n"));
  ASSERT_EQ(a.statements.size(), 2u);
  EXPECT_EQ(a.statements[0].line, 3);
  EXPECT_EQ(a.statements[0].col, 1);
  EXPECT_EQ(a.statements[1].line, 6);
  EXPECT_EQ(a.statements[1].col, 3);
  EXPECT_EQ(a.statements[1].kind, "CreateStmt");
}

TEST(AnalysisModel, AlterTableTakesStrongestLockOverSubcommands) {
  auto a = analyse_migration(make(
      "ALTER TABLE orders VALIDATE CONSTRAINT c1, ALTER COLUMN total TYPE bigint;"));
  ASSERT_EQ(a.statements.size(), 1u);
  ASSERT_EQ(a.statements[0].locks.size(), 1u);
  EXPECT_EQ(a.statements[0].locks[0].table, "orders");
  EXPECT_EQ(a.statements[0].locks[0].level, LockLevel::kAccessExclusive);
  auto only_validate = analyse_migration(make("ALTER TABLE orders VALIDATE CONSTRAINT c1;"));
  EXPECT_EQ(only_validate.statements[0].locks[0].level, LockLevel::kShareUpdateExclusive);
}

TEST(AnalysisModel, ForeignKeyLocksAndReferencesTarget) {
  auto a = analyse_migration(make(
      "ALTER TABLE invoices ADD CONSTRAINT fk_user FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;"));
  const auto& s = a.statements[0];
  EXPECT_NE(find_use(s, "users", Access::kReference), nullptr);
  EXPECT_NE(find_use(s, "users.id", Access::kReference), nullptr);
  ASSERT_EQ(s.locks.size(), 2u);
  for (const auto& l : s.locks) EXPECT_EQ(l.level, LockLevel::kShareRowExclusive) << l.table;
  EXPECT_TRUE(s.hazards.empty());
}

TEST(AnalysisModel, ObjectsCreatedDroppedRenamedRead) {
  auto a = analyse_migration(make(
      "CREATE TABLE t (id bigint, status mood);\n"
      "ALTER TABLE u RENAME COLUMN a TO b;\n"
      "DROP INDEX ix_old;\n"
      "UPDATE v SET x = 1 WHERE id IN (SELECT id FROM w);\n"
      "CREATE INDEX CONCURRENTLY ix ON s.z (c);"));
  ASSERT_EQ(a.statements.size(), 5u);
  EXPECT_NE(find_use(a.statements[0], "t", Access::kCreate), nullptr);
  EXPECT_NE(find_use(a.statements[0], "t.status", Access::kCreate), nullptr);
  EXPECT_NE(find_use(a.statements[0], "mood", Access::kReference), nullptr);
  const ObjectUse* r = find_use(a.statements[1], "u.a", Access::kRename);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->new_name, "u.b");
  EXPECT_EQ(r->line, 4);
  EXPECT_NE(find_use(a.statements[2], "ix_old", Access::kDrop), nullptr);
  EXPECT_NE(find_use(a.statements[3], "w", Access::kRead), nullptr);
  EXPECT_NE(find_use(a.statements[3], "v.x", Access::kRead), nullptr);
  EXPECT_EQ(a.statements[4].locks[0].table, "s.z");
  EXPECT_EQ(a.statements[4].locks[0].level, LockLevel::kShareUpdateExclusive);
  EXPECT_TRUE(a.statements[4].concurrently);
}

TEST(AnalysisModel, RewriteAndScanFlags) {
  auto a = analyse_migration(make(
      "ALTER TABLE t ADD COLUMN u uuid DEFAULT gen_random_uuid();\n"
      "ALTER TABLE t ADD COLUMN n int DEFAULT 0;"));
  EXPECT_TRUE(a.statements[0].rewrites_table);
  EXPECT_FALSE(a.statements[1].rewrites_table);
}

TEST(AnalysisModel, UnparseableStatementIsKeptNotSkipped) {
  auto a = analyse_migration(make(
      "CREATE TABLE a (id INTEGER PRIMARY KEY AUTOINCREMENT);\nCREATE TABLE b (id bigint);"));
  ASSERT_EQ(a.statements.size(), 2u);
  EXPECT_FALSE(a.statements[0].parsed);
  EXPECT_NE(a.statements[0].parse_error.find("AUTOINCREMENT"), std::string::npos)
      << a.statements[0].parse_error;
  EXPECT_TRUE(a.statements[1].parsed);
  EXPECT_EQ(a.statements[1].line, 4);
}

TEST(AnalysisModel, StrongestLockOfMigration) {
  auto a = analyse_migration(make(
      "CREATE INDEX CONCURRENTLY i ON a (x);\nALTER TABLE b DROP COLUMN y;\nSELECT 1 FROM c;"));
  TableLock l = a.strongest_lock();
  EXPECT_EQ(l.table, "b");
  EXPECT_EQ(l.level, LockLevel::kAccessExclusive);
  EXPECT_STREQ(lock_name(l.level), "ACCESS EXCLUSIVE");
}

}  // namespace
}  // namespace trellis
