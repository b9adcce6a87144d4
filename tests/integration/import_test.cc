// trellis import without a database: each tool's version order (docs/import.md), the
// files written (SQL bytes kept, directives added), the manifest, and bad sources: exit 2,
// every problem at its file:line, nothing written.
#include <filesystem>

#include <gtest/gtest.h>

#include "import_support.h"

namespace trellis_test {
namespace {

namespace fs = std::filesystem;

class ImportTest : public ::testing::Test {
 protected:
  // `import --dry-run --json` of `f`: the ids in the order written, "id<-version".
  std::vector<std::string> order_of(const Fixture& f) {
    write_fixture(project_, f);
    RunResult r = project_.run({"-C", project_.root(), "import", "--from", f.tool, "source", "--dry-run", "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    std::vector<std::string> ids;
    if (r.exit_code != 0) return ids;
    nlohmann::json doc = parse_json(r);
    for (const auto& m : doc["migrations"]) {
      ids.push_back(m["id"].get<std::string>() + "<-" + m["source_version"].get<std::string>());
    }
    EXPECT_FALSE(fs::exists(project_.path("migrations")));
    EXPECT_FALSE(fs::exists(project_.path(".trellis-import.toml")));
    return ids;
  }

  // Imports `f` expecting exit 2: the output, after checking nothing was written.
  std::string refused(const Fixture& f) {
    write_fixture(project_, f);
    RunResult r = project_.run({"-C", project_.root(), "import", "--from", f.tool, "source"});
    EXPECT_EQ(r.exit_code, 2) << r.describe();
    EXPECT_FALSE(fs::exists(project_.path("migrations")));
    EXPECT_FALSE(fs::exists(project_.path(".trellis-import.toml")));
    EXPECT_FALSE(fs::exists(project_.path("trellis.toml")));
    for (const auto& entry : fs::directory_iterator(project_.root())) {
      EXPECT_EQ(entry.path().filename().string().rfind(".trellis-import.tmp", 0), std::string::npos);
    }
    return r.out + r.err;
  }

  TestProject project_;
};

// --- version order -----------------------------------------------------------------------

TEST_F(ImportTest, GolangMigrateOrdersByIntegerVersion) {
  EXPECT_EQ(order_of({"golang-migrate",
                      {{"10_c.up.sql", "SELECT 10;\n"}, {"2_b.up.sql", "SELECT 2;\n"}, {"1_a.up.sql", "SELECT 1;\n"},
                       {"README.md", "not a migration\n"}},
                      {}}),
            (std::vector<std::string>{"core/1_a<-1", "core/2_b<-2", "core/10_c<-10"}));
}

TEST_F(ImportTest, GooseOrdersByIntegerVersion) {
  EXPECT_EQ(order_of({"goose",
                      {{"20_b.sql", "-- +goose Up\nSELECT 1;\n"}, {"3_a.sql", "-- +goose Up\nSELECT 1;\n"}},
                      {}}),
            (std::vector<std::string>{"core/3_a<-3", "core/20_b<-20"}));
}

TEST_F(ImportTest, DbmateOrdersByFileName) {
  EXPECT_EQ(order_of({"dbmate",
                      {{"20260102_b.sql", "-- migrate:up\nSELECT 1;\n"}, {"20260101_a.sql", "-- migrate:up\nSELECT 1;\n"}},
                      {}}),
            (std::vector<std::string>{"core/20260101_a<-20260101", "core/20260102_b<-20260102"}));
}

TEST_F(ImportTest, DbmateNameOrderThatIsNotIntegerOrderIsRenumbered) {
  // "9_x" sorts after "10_y" by name: dbmate applies 10 first, and so does Trellis.
  EXPECT_EQ(order_of({"dbmate",
                      {{"9_x.sql", "-- migrate:up\nSELECT 1;\n"}, {"10_y.sql", "-- migrate:up\nSELECT 1;\n"}},
                      {}}),
            (std::vector<std::string>{"core/0001_y<-10", "core/0002_x<-9"}));
}

TEST_F(ImportTest, FlywayOrdersByDottedPartsNumericallyThenRepeatables) {
  EXPECT_EQ(order_of({"flyway",
                      {{"V1.10__d.sql", "SELECT 1;\n"}, {"V1_2__c.sql", "SELECT 1;\n"}, {"V1.1__b.sql", "SELECT 1;\n"},
                       {"V1__a.sql", "SELECT 1;\n"}, {"R__z_view.sql", "SELECT 1;\n"}, {"R__a_view.sql", "SELECT 1;\n"},
                       {"notes.txt", "ignored\n"}},
                      {}}),
            (std::vector<std::string>{"core/0001_a<-1", "core/0002_b<-1.1", "core/0003_c<-1_2", "core/0004_d<-1.10",
                                      "core/0005_a_view<-R__a_view", "core/0006_z_view<-R__z_view"}));
}

TEST_F(ImportTest, DieselOrdersByVersionString) {
  EXPECT_EQ(order_of({"diesel",
                      {{"2_b/up.sql", "SELECT 1;\n"}, {"10_a/up.sql", "SELECT 1;\n"}, {"1_c/up.sql", "SELECT 1;\n"}},
                      {}}),
            (std::vector<std::string>{"core/0001_c<-1", "core/0002_a<-10", "core/0003_b<-2"}));
}

TEST_F(ImportTest, SqitchKeepsThePlanOrder) {
  const std::string who = " 2026-01-01T00:00:00Z Ann <ann@example.com>\n";
  EXPECT_EQ(order_of({"sqitch",
                      {{"sqitch.plan", "%project=p\nzeta" + who + "alpha [zeta]" + who},
                       {"deploy/zeta.sql", "SELECT 1;\n"}, {"revert/zeta.sql", "SELECT 1;\n"},
                       {"deploy/alpha.sql", "SELECT 1;\n"}, {"revert/alpha.sql", "SELECT 1;\n"}},
                      {}}),
            (std::vector<std::string>{"core/0001_zeta<-zeta", "core/0002_alpha<-alpha"}));
}

// A Sqitch conflict with a change planned before it becomes `-- conflicts:`, which lint
// reports (declared-conflict): Trellis would apply both, which Sqitch refuses.
TEST_F(ImportTest, SqitchConflictsBecomeADeclaredConflictLintReports) {
  const std::string who = " 2026-01-01T00:00:00Z Ann <ann@example.com>\n";
  Fixture f{"sqitch", {{"sqitch.plan", "%project=p\nold_audit" + who + "new_audit [!old_audit]" + who}}, {}};
  for (const char* c : {"old_audit", "new_audit"}) {
    f.files.push_back({std::string("deploy/") + c + ".sql", "SELECT 1;\n"});
    f.files.push_back({std::string("revert/") + c + ".sql", "SELECT 1;\n"});
  }
  write_fixture(project_, f);
  RunResult r = project_.run({"-C", project_.root(), "import", "--from", "sqitch", "source"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  std::string text = read_file(project_.path("migrations/core/0002_new_audit.sql"));
  EXPECT_NE(text.find("-- conflicts: core/0001_old_audit\n"), std::string::npos) << text;
  RunResult lint = project_.run({"-C", project_.root(), "lint"});
  EXPECT_EQ(lint.exit_code, 1) << lint.describe();
  EXPECT_NE(lint.out.find("declared-conflict"), std::string::npos) << lint.out;
  EXPECT_NE(lint.out.find("core/0002_new_audit declares it conflicts with core/0001_old_audit"), std::string::npos)
      << lint.out;
  EXPECT_NE(lint.out.find("always applied before it"), std::string::npos) << lint.out;
}

// --split-by requires: the changes connected through requires form a feature each, named
// after its first change, in plan order; the numbers restart per feature.
TEST_F(ImportTest, SqitchSplitByRequiresFollowsTheRequiresGraph) {
  const std::string who = " 2026-01-01T00:00:00Z Ann <ann@example.com>\n";
  Fixture f{"sqitch",
            {{"sqitch.plan", "%project=p\nusers" + who + "audit" + who + "orders [users]" + who + "@v1" + who +
                                 "audit_view [audit]" + who + "orders [orders@v1]" + who + "lonely" + who},
             {"deploy/orders@v1.sql", "SELECT 1;\n"}, {"revert/orders@v1.sql", "SELECT 1;\n"}},
            {}};
  for (const char* c : {"users", "audit", "orders", "audit_view", "lonely"}) {
    f.files.push_back({std::string("deploy/") + c + ".sql", "SELECT 1;\n"});
    f.files.push_back({std::string("revert/") + c + ".sql", "SELECT 1;\n"});
  }
  write_fixture(project_, f);
  RunResult r = project_.run(
      {"-C", project_.root(), "import", "--from", "sqitch", "source", "--split-by", "requires", "--dry-run", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  nlohmann::json doc = parse_json(r);
  std::vector<std::string> ids;
  for (const auto& m : doc["migrations"]) ids.push_back(m["id"].get<std::string>());
  EXPECT_EQ(ids, (std::vector<std::string>{"users/0001_users", "audit/0001_audit", "users/0002_orders",
                                           "audit/0002_audit_view", "users/0003_orders", "lonely/0001_lonely"}));
  EXPECT_EQ(doc["features"], nlohmann::json({"users", "audit", "lonely"}));

  RunResult other = project_.run({"-C", project_.root(), "import", "--from", "golang-migrate", "source",
                                  "--split-by", "requires"});
  EXPECT_EQ(other.exit_code, 2) << other.describe();
  EXPECT_NE(other.err.find("--split-by requires is not a split of golang-migrate"), std::string::npos) << other.err;
}

TEST_F(ImportTest, DagOrdersTopologicallyTiesByName) {
  EXPECT_EQ(order_of({"dag",
                      {{"c/up.sql", "SELECT 1;\n"}, {"a/up.sql", "SELECT 1;\n"},
                       {"a/migration.toml", "parents = [\"c\"]\n"}, {"b/up.sql", "SELECT 1;\n"}},
                      {}}),
            (std::vector<std::string>{"core/0001_b<-b", "core/0002_c<-c", "core/0003_a<-a"}));
}

// --- the files written -------------------------------------------------------------------

TEST_F(ImportTest, KeepsTheSqlBytesAndAddsOnlyDirectives) {
  const std::string up = "CREATE TABLE t (x int);\r\n-- a comment: not a directive\r\n\r\nSELECT 'x' -- no final break";
  const std::string down = "DROP TABLE t;\n";
  write_fixture(project_, {"golang-migrate", {{"7_t.up.sql", up}, {"7_t.down.sql", down}}, {}});
  RunResult r = project_.run({"-C", project_.root(), "import", "--from", "golang-migrate", "source", "--feature", "app"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(read_file(project_.path("migrations/app/7_t.sql")),
            "-- imported from golang-migrate: 7_t.down.sql, 7_t.up.sql\n\n-- +up\n" + up + "\n-- +down\n" + down);
  EXPECT_TRUE(fs::exists(project_.path("trellis.toml")));  // a project was made around it
  std::string manifest = read_file(project_.path(".trellis-import.toml"));
  EXPECT_NE(manifest.find("id = \"app/7_t\"\nsource_version = \"7\""), std::string::npos) << manifest;
  // The result is a Trellis project its own commands read.
  RunResult plan = project_.run({"-C", project_.root(), "graph", "--no-state"}, {{"DATABASE_URL", "sqlite:dev.db"}});
  EXPECT_EQ(plan.exit_code, 0) << plan.describe();
  EXPECT_NE(plan.out.find("app/7_t"), std::string::npos) << plan.out;
  // A second import into the same feature is refused; into another one the manifest grows.
  RunResult again = project_.run({"-C", project_.root(), "import", "--from", "golang-migrate", "source", "--feature", "app"});
  EXPECT_EQ(again.exit_code, 2) << again.describe();
  RunResult other = project_.run({"-C", project_.root(), "import", "--from", "golang-migrate", "source", "--feature", "other"});
  ASSERT_EQ(other.exit_code, 0) << other.describe();
  std::string both = read_file(project_.path(".trellis-import.toml"));
  EXPECT_NE(both.find("app/7_t"), std::string::npos);
  EXPECT_NE(both.find("other/7_t"), std::string::npos);
}

TEST_F(ImportTest, TransactionRulesBecomeDirectives) {
  write_fixture(project_, {"dbmate",
                           {{"1_a.sql", "-- migrate:up transaction:false\nSELECT 1;\n-- migrate:down\nSELECT 2;\n"},
                            {"2_b.sql", "-- migrate:up\nSELECT 1;\n"}},
                           {}});
  ASSERT_EQ(project_.run({"-C", project_.root(), "import", "--from", "dbmate", "source"}).exit_code, 0);
  std::string a = read_file(project_.path("migrations/core/1_a.sql"));
  EXPECT_NE(a.find("-- transaction: up=false\n"), std::string::npos) << a;
  std::string b = read_file(project_.path("migrations/core/2_b.sql"));
  EXPECT_EQ(b.find("transaction"), std::string::npos) << b;
  EXPECT_EQ(b.find("-- +down"), std::string::npos) << b;  // no down block: forward-only
}

// --- bad sources -------------------------------------------------------------------------

TEST_F(ImportTest, GolangMigrateDuplicateVersion) {
  std::string out = refused({"golang-migrate", {{"1_a.up.sql", "SELECT 1;\n"}, {"001_b.up.sql", "SELECT 1;\n"}}, {}});
  EXPECT_NE(out.find("source/1_a.up.sql: version 1 has a second up file"), std::string::npos) << out;
}

TEST_F(ImportTest, NameTrellisCannotTake) {
  std::string out = refused({"golang-migrate", {{"1_add users.up.sql", "SELECT 1;\n"}}, {}});
  EXPECT_NE(out.find("source/1_add users.up.sql: 'add users' cannot be the name of a Trellis migration"),
            std::string::npos)
      << out;
}

TEST_F(ImportTest, ALineTrellisWouldReadAsAMarkerIsToldAtItsSourceLine) {
  std::string out = refused({"golang-migrate", {{"1_a.up.sql", "SELECT 1;\n-- +goose Up\nSELECT 2;\n"}}, {}});
  EXPECT_TRUE(mentions_line(out, "source/1_a.up.sql", 2)) << out;
  EXPECT_NE(out.find("unknown section marker"), std::string::npos) << out;
}

TEST_F(ImportTest, DbmateSqlOutsideTheBlocks) {
  std::string out = refused({"dbmate", {{"1_a.sql", "-- fine\nSELECT 0;\n-- migrate:up\nSELECT 1;\n"}}, {}});
  EXPECT_TRUE(mentions_line(out, "source/1_a.sql", 2)) << out;
}

TEST_F(ImportTest, GooseWithoutUpAndWithEnvsub) {
  std::string out = refused({"goose",
                             {{"1_a.sql", "SELECT 1;\n"},
                              {"2_b.sql", "-- +goose ENVSUB ON\n-- +goose Up\nSELECT '${X}';\n"}},
                             {}});
  EXPECT_NE(out.find("source/1_a.sql: no '-- +goose Up' annotation"), std::string::npos) << out;
  EXPECT_TRUE(mentions_line(out, "source/2_b.sql", 1)) << out;
}

TEST_F(ImportTest, FlywayDuplicateVersionAndUndoWithoutVersion) {
  std::string out = refused({"flyway",
                             {{"V1__a.sql", "SELECT 1;\n"}, {"V1.0__b.sql", "SELECT 1;\n"}, {"U2__c.sql", "SELECT 1;\n"},
                              {"V3__d.sql", "SELECT 1;\n"}, {"V3__d.sql.conf", "executeInTransaction=maybe\n"}},
                             {}});
  EXPECT_NE(out.find("version 1 is also source/V1.0__b.sql"), std::string::npos) << out;
  EXPECT_NE(out.find("source/U2__c.sql: undo script of version 2"), std::string::npos) << out;
  EXPECT_TRUE(mentions_line(out, "source/V3__d.sql.conf", 1)) << out;
}

TEST_F(ImportTest, SqitchUnparsablePlanAndMissingRevert) {
  std::string out = refused({"sqitch",
                             {{"sqitch.plan", "%project=p\n\nusers 2026-01-01T00:00:00Z Ann <a@b>\nbroken [x\n"},
                              {"deploy/users.sql", "SELECT 1;\n"}},
                             {}});
  EXPECT_TRUE(mentions_line(out, "source/sqitch.plan", 4)) << out;
  EXPECT_NE(out.find("source/sqitch.plan:3: no revert script"), std::string::npos) << out;
}

TEST_F(ImportTest, SqitchUnknownRequirement) {
  std::string out = refused({"sqitch",
                             {{"sqitch.plan", "b [a] 2026-01-01T00:00:00Z Ann <a@b>\n"},
                              {"deploy/b.sql", "SELECT 1;\n"}, {"revert/b.sql", "SELECT 1;\n"}},
                             {}});
  EXPECT_NE(out.find("source/sqitch.plan:1: change 'b' requires 'a'"), std::string::npos) << out;
}

TEST_F(ImportTest, DieselDuplicateVersionAndUnknownMetadata) {
  std::string out = refused({"diesel",
                             {{"1_a/up.sql", "SELECT 1;\n"}, {"1_b/up.sql", "SELECT 1;\n"},
                              {"2_c/up.sql", "SELECT 1;\n"}, {"2_c/metadata.toml", "\nrun_in_transactions = false\n"}},
                             {}});
  EXPECT_NE(out.find("version 1 is used by two directories"), std::string::npos) << out;
  EXPECT_TRUE(mentions_line(out, "source/2_c/metadata.toml", 2)) << out;
}

TEST_F(ImportTest, DagCycle) {
  std::string cycle = refused({"dag",
                               {{"a/up.sql", "SELECT 1;\n"}, {"a/migration.toml", "parents = [\"b\"]\n"},
                                {"b/up.sql", "SELECT 1;\n"}, {"b/migration.toml", "parents = [\"a\"]\n"}},
                               {}});
  EXPECT_NE(cycle.find("is on a cycle of parents"), std::string::npos) << cycle;
}

TEST_F(ImportTest, DagUnknownParent) {
  std::string unknown = refused({"dag", {{"a/up.sql", "SELECT 1;\n"}, {"a/migration.toml", "parents = [\"zz\"]\n"}}, {}});
  EXPECT_TRUE(mentions_line(unknown, "source/a/migration.toml", 1)) << unknown;
}

TEST_F(ImportTest, MissingSourceDirectory) {
  RunResult r = project_.run({"-C", project_.root(), "import", "--from", "flyway", "nowhere"});
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_NE(r.err.find("nowhere: not a directory"), std::string::npos) << r.describe();
}

}  // namespace
}  // namespace trellis_test
