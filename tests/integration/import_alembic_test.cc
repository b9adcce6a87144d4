// trellis import --from alembic without a database, through the real Alembic: the revision
// graph becomes features (a branch label, a single line), requires (depends_on, a merge's
// parents, a down_revision in another feature) and transaction rules; Alembic's own
// bookkeeping is gone from the SQL; the manifest records each revision's parents. Bad
// sources (a broken revision file, a dangling down_revision, a cycle, an unknown
// depends_on, an upgrade offline mode cannot render) are exit 2 at file:line with nothing
// written; without alembic on PATH the import says how to install it.
#include <filesystem>

#include <gtest/gtest.h>

#include "alembic_fixture.h"

namespace trellis_test {
namespace {

namespace fs = std::filesystem;

class ImportAlembicTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const auto& [path, content] : alembic_project()) project_.write("source/" + path, content);
  }
  RunResult import(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"-C", project_.root(), "import", "--from", "alembic", "source"};
    args.insert(args.end(), extra.begin(), extra.end());
    return project_.run(args);
  }
  // Imports expecting exit 2: the output, after checking that nothing was written.
  std::string refused() {
    RunResult r = import();
    EXPECT_EQ(r.exit_code, 2) << r.describe();
    EXPECT_FALSE(fs::exists(project_.path("migrations")));
    EXPECT_FALSE(fs::exists(project_.path(".trellis-import.toml")));
    EXPECT_FALSE(fs::exists(project_.path("trellis.toml")));
    EXPECT_FALSE(fs::exists(project_.path("source/versions/__pycache__")));
    return r.out + r.err;
  }
  std::string file(const std::string& path) { return read_file(project_.path(path)); }

  TestProject project_;
};

TEST_F(ImportAlembicTest, WithoutAlembicOnPathTheWayToInstallIt) {
  fs::create_directories(project_.path("empty-bin"));
  RunResult r = project_.run({"-C", project_.root(), "import", "--from", "alembic", "source"},
                             {{"PATH", project_.path("empty-bin")}});
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_NE(r.err.find("'alembic' is not on PATH"), std::string::npos) << r.describe();
  EXPECT_NE(r.err.find("apt-get install alembic"), std::string::npos) << r.describe();
  EXPECT_FALSE(fs::exists(project_.path("migrations")));
}

TEST_F(ImportAlembicTest, GraphBecomesFeaturesAndRequires) {
  TRELLIS_REQUIRE_ALEMBIC_OR_SKIP();
  RunResult dry = import({"--dry-run", "--json"});
  ASSERT_EQ(dry.exit_code, 0) << dry.describe();
  std::vector<std::string> order;
  nlohmann::json doc = parse_json(dry);
  for (const auto& m : doc["migrations"]) {
    order.push_back(m["id"].get<std::string>() + "<-" + m["source_version"].get<std::string>());
  }
  EXPECT_EQ(order, (std::vector<std::string>{"core/0001_users<-core01", "billing/0001_invoices<-bill01",
                                             "billing/0002_invoice_total<-bill02", "core/0002_orders<-core02",
                                             "core/0003_orders_user<-core03", "core/0004_merge<-merge1"}));
  EXPECT_FALSE(fs::exists(project_.path("migrations")));

  RunResult r = import();
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  std::string invoices = file("migrations/billing/0001_invoices.sql");
  EXPECT_NE(invoices.find("-- requires: core/0001_users\n"), std::string::npos) << invoices;
  EXPECT_NE(invoices.find("CREATE TABLE invoices ("), std::string::npos) << invoices;
  std::string merge = file("migrations/core/0004_merge.sql");
  EXPECT_NE(merge.find("-- alembic merge of core03, bill02\n-- requires: billing/0002_invoice_total\n"),
            std::string::npos)
      << merge;
  // Alembic's bookkeeping is gone, its rendering of the revision kept.
  for (const auto& entry : fs::recursive_directory_iterator(project_.path("migrations"))) {
    std::string text = read_file(entry.path().string());
    if (!entry.is_regular_file()) continue;
    EXPECT_EQ(text.find("alembic_version"), std::string::npos) << entry.path() << "\n" << text;
    EXPECT_EQ(text.find("BEGIN;"), std::string::npos) << entry.path() << "\n" << text;
    EXPECT_EQ(text.find("COMMIT;"), std::string::npos) << entry.path() << "\n" << text;
  }
  std::string index = file("migrations/core/0003_orders_user.sql");
  EXPECT_NE(index.find("-- transaction: false\n"), std::string::npos) << index;
  EXPECT_NE(index.find("\nCREATE INDEX CONCURRENTLY orders_user ON orders (user_id);\n-- +down\n"), std::string::npos)
      << index;
  EXPECT_EQ(file("migrations/core/0002_orders.sql").find("transaction"), std::string::npos);
  std::string total = file("migrations/billing/0002_invoice_total.sql");
  EXPECT_EQ(total.find("-- +down"), std::string::npos) << total;  // NotImplementedError: forward-only
  std::string manifest = file(".trellis-import.toml");
  EXPECT_NE(manifest.find("history_table = \"alembic_version\"\n"), std::string::npos) << manifest;
  EXPECT_NE(manifest.find("id = \"core/0004_merge\"\nsource_version = \"merge1\"\n"
                          "source_files = [\"versions/merge1_merge.py\"]\nsource_parents = [\"core03\", \"bill02\"]\n"),
            std::string::npos)
      << manifest;
  EXPECT_FALSE(fs::exists(project_.path("source/versions/__pycache__")));
  RunResult graph = project_.run({"-C", project_.root(), "graph", "--no-state"}, {{"DATABASE_URL", "sqlite:x.db"}});
  EXPECT_EQ(graph.exit_code, 0) << graph.describe();
}

TEST_F(ImportAlembicTest, ALinearHistoryIsOneFeatureNamedByFeature) {
  TRELLIS_REQUIRE_ALEMBIC_OR_SKIP();
  for (const char* f : {"bill01_invoices.py", "bill02_invoice_total.py", "merge1_merge.py"}) {
    project_.remove(std::string("source/versions/") + f);
  }
  RunResult r = import({"--feature", "shop"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_TRUE(fs::exists(project_.path("migrations/shop/0001_users.sql")));
  EXPECT_TRUE(fs::exists(project_.path("migrations/shop/0003_orders_user.sql")));
  EXPECT_EQ(file("migrations/shop/0002_orders.sql").find("requires"), std::string::npos);
}

TEST_F(ImportAlembicTest, BrokenRevisionFileIsItsFileAndLine) {
  TRELLIS_REQUIRE_ALEMBIC_OR_SKIP();
  project_.write("source/versions/core02_orders.py",
                 "\"\"\"orders\"\"\"\nfrom alembic import op\n\nrevision = \"core02\"\ndown_revision = \"core01\"\n\n"
                 "def upgrade(:\n    pass\n");
  std::string out = refused();
  EXPECT_TRUE(mentions_line(out, "source/versions/core02_orders.py", 7)) << out;
}

TEST_F(ImportAlembicTest, DanglingDownRevisionIsItsLine) {
  TRELLIS_REQUIRE_ALEMBIC_OR_SKIP();
  project_.write("source/versions/core03_orders_user.py",
                 alembic_revision("orders by user", "core03", "\"core02x\"", "None", "None", "    pass", "    pass"));
  std::string out = refused();
  EXPECT_TRUE(mentions_line(out, "source/versions/core03_orders_user.py", 6)) << out;
  EXPECT_NE(out.find("down_revision 'core02x' is not a revision of this project"), std::string::npos) << out;
}

TEST_F(ImportAlembicTest, CycleAndUnknownDependencyAreRefused) {
  TRELLIS_REQUIRE_ALEMBIC_OR_SKIP();
  project_.write("source/versions/core01_users.py",
                 alembic_revision("users", "core01", "\"merge1\"", "None", "None", "    pass", "    pass"));
  std::string cycle = refused();
  EXPECT_NE(cycle.find("is on a cycle of down_revision / depends_on"), std::string::npos) << cycle;
  project_.write("source/versions/core01_users.py",
                 alembic_revision("users", "core01", "None", "None", "\"nothing\"", "    pass", "    pass"));
  std::string unknown = refused();
  EXPECT_TRUE(mentions_line(unknown, "source/versions/core01_users.py", 8)) << unknown;
  EXPECT_NE(unknown.find("depends_on 'nothing' names no revision"), std::string::npos) << unknown;
}

TEST_F(ImportAlembicTest, UpgradeOfflineModeCannotRenderIsItsLine) {
  TRELLIS_REQUIRE_ALEMBIC_OR_SKIP();
  // Reading the database needs a connection, which offline mode does not have.
  project_.write("source/versions/core02_orders.py",
                 alembic_revision("orders", "core02", "\"core01\"", "None", "None",
                                  "    rows = op.get_bind().execute(sa.text(\"SELECT 1\")).fetchall()", "    pass"));
  std::string out = refused();
  EXPECT_TRUE(mentions_line(out, "source/versions/core02_orders.py", 11)) << out;
  EXPECT_NE(out.find("alembic upgrade core02 --sql"), std::string::npos) << out;
}

}  // namespace
}  // namespace trellis_test
