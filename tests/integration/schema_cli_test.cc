// schema_cli_test.cc — `trellis schema [--json]`: the live database's model, read-only,
// without trellis' own tables; exit 3 when the database cannot be reached.
#include "harness.h"

namespace trellis_test {
namespace {

class SchemaCliTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    project_.write_simple_config(db_->url());
    project_.write_migration("core", "0001_users.sql",
                             migration("", "CREATE TABLE users (id integer PRIMARY KEY, email text NOT NULL);"));
    RunResult apply = project_.run({"apply"});
    ASSERT_EQ(apply.exit_code, 0) << apply.describe();
  }
};

TEST_P(SchemaCliTest, PrintsTheCanonicalTextWithoutTrellisTables) {
  db_->exec("CREATE TABLE rogue (note text)");
  RunResult r = project_.run({"schema"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_NE(r.out.find("table users\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("column users.email\n  nullable: no\n  type: text\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("table rogue\n"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("migrations"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("history"), std::string::npos) << r.out;
  EXPECT_EQ(project_.run({"schema"}).out, r.out);  // deterministic
}

TEST_P(SchemaCliTest, JsonIsTheModel) {
  RunResult r = project_.run({"schema", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  nlohmann::json doc = parse_json(r.out);
  EXPECT_EQ(doc["backend"], GetParam());
  bool table = false, column = false;
  for (const auto& o : doc["objects"]) {
    if (o["kind"] == "table" && o["name"] == "users") table = true;
    if (o["kind"] == "column" && o["name"] == "users.email") {
      column = true;
      EXPECT_EQ(o["parent"], "users");
      EXPECT_EQ(o["properties"]["type"], "text");
      EXPECT_EQ(o["properties"]["nullable"], "no");
    }
    EXPECT_EQ(o["name"].get<std::string>().find("migrations"), std::string::npos) << o.dump();
  }
  EXPECT_TRUE(table && column) << r.out;
}

TEST_P(SchemaCliTest, ChangesNothing) {
  std::vector<std::string> before = db_->tables();
  int events = static_cast<int>(db_->history().size());
  ASSERT_EQ(project_.run({"schema"}).exit_code, 0);
  EXPECT_EQ(db_->tables(), before);
  EXPECT_EQ(static_cast<int>(db_->history().size()), events);
}

TEST_P(SchemaCliTest, UnreachableDatabaseExitsThree) {
  std::string url = is_sqlite() ? "sqlite:" + project_.path("no/such/dir/x.db")
                                : "postgresql://trellis@127.0.0.1:1/nothing?connect_timeout=2";
  RunResult r = project_.run({"schema", "--database", url});
  EXPECT_EQ(r.exit_code, 3) << r.describe();
  EXPECT_TRUE(r.out.empty()) << r.out;
}

TEST_P(SchemaCliTest, AnObjectItCannotReadIsNamedExitTwo) {
  if (is_sqlite()) GTEST_SKIP() << "foreign tables are PostgreSQL's";
  db_->exec("CREATE EXTENSION file_fdw; CREATE SERVER files FOREIGN DATA WRAPPER file_fdw; "
            "CREATE FOREIGN TABLE feed (a integer) SERVER files OPTIONS (filename '/dev/null')");
  RunResult r = project_.run({"schema"});
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_NE(r.err.find("table feed: Trellis cannot read foreign tables"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
}

TEST_P(SchemaCliTest, HelpDescribesIt) {
  RunResult r = project_.run({"schema", "--help"});
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_NE(r.out.find("--json"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("read-only"), std::string::npos) << r.out;
}

TRELLIS_BACKENDS(SchemaCliTest);

}  // namespace
}  // namespace trellis_test
