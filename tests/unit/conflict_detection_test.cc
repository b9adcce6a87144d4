#include <gtest/gtest.h>

#include <map>
#include <set>

#include "lint_test_util.h"

namespace trellis {
namespace {

using testing::migration;

// Direct dependencies -> transitive predicate, built here so tests need no graph code.
struct Deps {
  std::map<std::string, std::set<std::string>> direct;
  bool operator()(const std::string& a, const std::string& b) const {
    std::set<std::string> seen;
    std::vector<std::string> todo = {a};
    while (!todo.empty()) {
      std::string x = todo.back();
      todo.pop_back();
      auto it = direct.find(x);
      if (it == direct.end()) continue;
      for (const auto& y : it->second) {
        if (y == b) return true;
        if (seen.insert(y).second) todo.push_back(y);
      }
    }
    return false;
  }
};

std::vector<Conflict> conflicts(const std::vector<Migration>& ms, const Deps& deps) {
  std::vector<MigrationAnalysis> analyses;
  for (const auto& m : ms) analyses.push_back(analyse_migration(m));
  return find_conflicts(
      ms, [&](const Migration& m) -> const MigrationAnalysis& {
        for (size_t i = 0; i < ms.size(); ++i) {
          if (ms[i].id == m.id) return analyses[i];
        }
        throw std::logic_error("unknown");
      },
      deps);
}

const Conflict* of_kind(const std::vector<Conflict>& cs, ConflictKind k) {
  for (const auto& c : cs) {
    if (c.kind == k) return &c;
  }
  return nullptr;
}

const std::string kBilling = "CREATE TABLE invoices (id bigint PRIMARY KEY, total numeric);";

TEST(ConflictDetection, MissingRequiresNamesBothFilesAndTheLineToAdd) {
  auto ms = {migration("billing/0001_invoices", kBilling),
             migration("search/0002_index", "\nCREATE INDEX CONCURRENTLY ix_total ON invoices (total);")};
  auto cs = conflicts(ms, Deps{});
  const Conflict* c = of_kind(cs, ConflictKind::kMissingRequires);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->message,
            "search/0002_index uses table invoices, created by billing/0001_invoices "
            "(migrations/billing/0001_invoices.sql:2), but does not require it");
  EXPECT_EQ(c->hint,
            "add this line before `-- +up` in migrations/search/0002_index.sql: -- requires: billing/0001_invoices");
  EXPECT_EQ(c->file, "migrations/search/0002_index.sql");
  EXPECT_EQ(c->line, 3);
  EXPECT_EQ(c->other_line, 2);
}

TEST(ConflictDetection, DeclaredRequiresSilencesMissingRequires) {
  auto ms = {migration("billing/0001_invoices", kBilling),
             migration("search/0002_index", "CREATE INDEX CONCURRENTLY ix_total ON invoices (total);")};
  Deps deps;
  deps.direct["search/0002_index"] = {"billing/0001_invoices"};
  EXPECT_TRUE(conflicts(ms, deps).empty());
}

TEST(ConflictDetection, DropOfColumnAnotherFeatureReads) {
  auto ms = {migration("billing/0001_invoices", kBilling),
             migration("billing/0002_drop_total", "ALTER TABLE invoices DROP COLUMN total;", Phase::kContract),
             migration("reports/0001_totals", "UPDATE invoices SET total = 0 WHERE id = 1;")};
  Deps deps;
  deps.direct["billing/0002_drop_total"] = {"billing/0001_invoices"};
  deps.direct["reports/0001_totals"] = {"billing/0001_invoices"};
  auto cs = conflicts(ms, deps);
  const Conflict* c = of_kind(cs, ConflictKind::kDropUsed);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->id, "billing/0002_drop_total");
  EXPECT_EQ(c->other_id, "reports/0001_totals");
  EXPECT_EQ(c->object, "invoices.total");
  EXPECT_EQ(c->message,
            "billing/0002_drop_total drops column invoices.total, which reports/0001_totals "
            "(migrations/reports/0001_totals.sql:2) reads with no dependency between them");
}

TEST(ConflictDetection, RenameOfTableAnotherFeatureAlters) {
  auto ms = {migration("core/0001_users", "CREATE TABLE users (id bigint);"),
             migration("core/0002_rename", "ALTER TABLE users RENAME TO accounts;", Phase::kContract),
             migration("auth/0001_email", "ALTER TABLE users ADD COLUMN email text;")};
  Deps deps;
  deps.direct["core/0002_rename"] = {"core/0001_users"};
  deps.direct["auth/0001_email"] = {"core/0001_users"};
  auto cs = conflicts(ms, deps);
  const Conflict* c = of_kind(cs, ConflictKind::kDropUsed);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->object, "users");
  EXPECT_EQ(c->other_id, "auth/0001_email");
}

TEST(ConflictDetection, BothAlterSameColumn) {
  auto ms = {migration("core/0001_users", "CREATE TABLE users (id bigint, name text);"),
             migration("a/0001_x", "ALTER TABLE users ALTER COLUMN name SET DEFAULT 'a';"),
             migration("b/0001_y", "ALTER TABLE users ALTER COLUMN name SET DEFAULT 'b';")};
  Deps deps;
  deps.direct["a/0001_x"] = {"core/0001_users"};
  deps.direct["b/0001_y"] = {"core/0001_users"};
  auto cs = conflicts(ms, deps);
  const Conflict* c = of_kind(cs, ConflictKind::kBothAlter);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->object, "users.name");
  EXPECT_EQ(c->id, "a/0001_x");
  EXPECT_EQ(c->other_id, "b/0001_y");
  EXPECT_EQ(cs.size(), 1u);
  deps.direct["b/0001_y"].insert("a/0001_x");  // declared order: no conflict
  EXPECT_TRUE(conflicts(ms, deps).empty());
}

TEST(ConflictDetection, BothCreateSameName) {
  auto ms = {migration("a/0001_x", "CREATE TABLE audit (id bigint);"),
             migration("b/0001_y", "CREATE VIEW audit AS SELECT 1;")};
  auto cs = conflicts(ms, Deps{});
  const Conflict* c = of_kind(cs, ConflictKind::kBothCreate);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->object, "audit");
}

TEST(ConflictDetection, IndependentFeaturesHaveNoConflicts) {
  auto ms = {migration("billing/0001_invoices", kBilling),
             migration("billing/0002_ix", "CREATE INDEX CONCURRENTLY ix_total ON invoices (total);"),
             migration("search/0001_docs", "CREATE TABLE documents (id bigint, body text);"),
             migration("search/0002_ix", "CREATE INDEX CONCURRENTLY ix_body ON documents (body);"),
             migration("auth/0001_users", "CREATE TABLE users (id bigint); CREATE INDEX ix_users ON users (id);")};
  Deps deps;
  deps.direct["billing/0002_ix"] = {"billing/0001_invoices"};
  deps.direct["search/0002_ix"] = {"search/0001_docs"};
  EXPECT_TRUE(conflicts(ms, deps).empty());
}

TEST(ConflictDetection, ConflictsBecomeLintErrorsOnTheReportedFile) {
  std::vector<Migration> ms = {migration("billing/0001_invoices", kBilling),
                               migration("search/0002_index", "CREATE INDEX CONCURRENTLY ix ON invoices (total);",
                                         Phase::kExpand, TxMode::kNone)};
  LintOptions options;
  options.depends_on = Deps{};
  auto report = lint(ms, options);
  const LintFinding* f = testing::finding(report, "missing-requires");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::kError);
  EXPECT_EQ(f->file, "migrations/search/0002_index.sql");
  EXPECT_EQ(f->line, 2);
}

TEST(ConflictDetection, ScalesToThousandsOfMigrations) {
  std::vector<Migration> ms;
  for (int f = 0; f < 100; ++f) {
    std::string feature = "f" + std::to_string(f);
    for (int i = 1; i <= 50; ++i) {
      std::string t = feature + "_t" + std::to_string(i);
      ms.push_back(migration(feature + "/" + std::to_string(1000 + i) + "_m",
                             "CREATE TABLE " + t + " (id bigint); ALTER TABLE shared ADD COLUMN " + t + " text;"));
    }
  }
  // Every migration alters `shared`, created by nobody: no conflicts, but 5,000 uses of one key.
  auto start = std::chrono::steady_clock::now();
  auto cs = conflicts(ms, Deps{});
  auto ms_taken = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  EXPECT_TRUE(cs.empty());
  EXPECT_LT(ms_taken.count(), 20000);
}

// The chain of every feature, as the graph has it: each migration depends on the ones
// before it in its feature.
Deps chained(const std::vector<Migration>& ms, Deps deps = {}) {
  std::map<std::string, std::string> last;
  for (const auto& m : ms) {
    auto it = last.find(m.feature);
    if (it != last.end()) deps.direct[m.id].insert(it->second);
    last[m.feature] = m.id;
  }
  return deps;
}

std::vector<Conflict> of_kind_all(const std::vector<Conflict>& cs, ConflictKind k) {
  std::vector<Conflict> out;
  for (const auto& c : cs)
    if (c.kind == k) out.push_back(c);
  return out;
}

TEST(ConflictDetection, ATransientNameIsNoConflict) {
  // Each creates tmp_unique_index and renames it away in the same migration.
  std::vector<Migration> ms = {
      migration("a/0001_x", "CREATE UNIQUE INDEX tmp_unique_index ON t (a);\nALTER INDEX tmp_unique_index RENAME TO ux_a;"),
      migration("b/0001_y", "CREATE UNIQUE INDEX tmp_unique_index ON t (b);\nALTER INDEX tmp_unique_index RENAME TO ux_b;"),
      migration("c/0001_z", "CREATE TABLE scratch (x int);\nDROP TABLE scratch;")};
  ms.push_back(migration("d/0001_w", "CREATE TABLE scratch (y int);\nDROP TABLE scratch;"));
  EXPECT_TRUE(conflicts(ms, chained(ms)).empty());
}

TEST(ConflictDetection, TheNameARenameLeavesBehindIsCreated) {
  std::vector<Migration> ms = {
      migration("a/0001_x", "CREATE UNIQUE INDEX tmp_a ON t (a);\nALTER INDEX tmp_a RENAME TO ux_t;"),
      migration("b/0001_y", "CREATE UNIQUE INDEX ux_t ON t (b);")};
  auto cs = conflicts(ms, chained(ms));
  const Conflict* c = of_kind(cs, ConflictKind::kBothCreate);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->object, "ux_t");
}

TEST(ConflictDetection, CreateIfNotExistsAgainstAReplacementIsNoConflict) {
  std::vector<Migration> ms = {
      migration("a/0001_x", "CREATE INDEX IF NOT EXISTS ix_x ON t (a);"),
      migration("b/0001_y", "DROP INDEX IF EXISTS ix_x;\nCREATE INDEX ix_x ON t (a);")};
  EXPECT_TRUE(conflicts(ms, chained(ms)).empty());
}

TEST(ConflictDetection, CreateIfNotExistsStillFailsAPlainCreateThatRunsAfterIt) {
  std::vector<Migration> ms = {migration("a/0001_x", "CREATE INDEX IF NOT EXISTS ix_x ON t (a);"),
                               migration("b/0001_y", "CREATE INDEX ix_x ON t (a);")};
  EXPECT_NE(of_kind(conflicts(ms, chained(ms)), ConflictKind::kBothCreate), nullptr);
  std::vector<Migration> both = {migration("a/0001_x", "CREATE INDEX IF NOT EXISTS ix_x ON t (a);"),
                                 migration("b/0001_y", "CREATE INDEX IF NOT EXISTS ix_x ON t (a);")};
  EXPECT_EQ(of_kind(conflicts(both, chained(both)), ConflictKind::kBothCreate), nullptr);
}

TEST(ConflictDetection, OneConflictPerObjectNamesEveryFeatureInvolved) {
  std::vector<Migration> ms;
  for (int f = 0; f < 20; ++f)
    for (int i = 1; i <= 10; ++i)
      ms.push_back(migration("f" + std::to_string(100 + f) + "/" + std::to_string(1000 + i) + "_m",
                             "ALTER TABLE orders ALTER COLUMN status SET DEFAULT '" + std::to_string(f * 100 + i) + "';"));
  auto cs = conflicts(ms, chained(ms));
  auto alters = of_kind_all(cs, ConflictKind::kBothAlter);
  ASSERT_EQ(alters.size(), 1u);
  EXPECT_EQ(alters[0].id, "f100/1001_m");
  EXPECT_EQ(alters[0].other_id, "f101/1001_m");
  EXPECT_NE(alters[0].message.find("and 194 more; 200 migrations of 20 features"), std::string::npos) << alters[0].message;
}

TEST(ConflictDetection, DependentMigrationsOfOtherFeaturesAreNotInvolved) {
  // b/0002 requires a/0002; so b/0002 and everything after it in b follow a/0001..0002.
  std::vector<Migration> ms = {
      migration("a/0001_x", "ALTER TABLE orders ALTER COLUMN status SET DEFAULT 'a1';"),
      migration("a/0002_x", "SELECT 1;"),
      migration("b/0001_y", "SELECT 1;"),
      migration("b/0002_y", "ALTER TABLE orders ALTER COLUMN status SET DEFAULT 'b2';"),
      migration("b/0003_y", "ALTER TABLE orders ALTER COLUMN status SET DEFAULT 'b3';")};
  Deps deps;
  deps.direct["b/0002_y"].insert("a/0002_x");
  EXPECT_EQ(of_kind(conflicts(ms, chained(ms, deps)), ConflictKind::kBothAlter), nullptr);
  // a/0003 alters again, with no order against b: now b/0002 and b/0003 are involved.
  ms.push_back(migration("a/0003_x", "ALTER TABLE orders ALTER COLUMN status SET DEFAULT 'a3';"));
  std::stable_sort(ms.begin(), ms.end(), [](const Migration& x, const Migration& y) { return x.id < y.id; });
  auto alters = of_kind_all(conflicts(ms, chained(ms, deps)), ConflictKind::kBothAlter);
  ASSERT_EQ(alters.size(), 1u);
  EXPECT_EQ(alters[0].id, "a/0003_x");
  EXPECT_EQ(alters[0].other_id, "b/0002_y");
  EXPECT_NE(alters[0].message.find("b/0003_y"), std::string::npos) << alters[0].message;
}

}  // namespace
}  // namespace trellis
