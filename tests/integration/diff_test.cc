// `trellis diff FROM TO` on both backends: environments, URLs and saved schema JSON
// compared; the differences named; exit 0 / 1 / 2.
#include <gtest/gtest.h>

#include "harness.h"
#include "trellis/driver.h"
#include "trellis/schema.h"

namespace trellis_test {
namespace {

class DiffTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped()) return;
    other_ = another_db("other");
    project_.write("trellis.toml", "[env.dev]\ndatabase = \"" + db_->url() + "\"\n[env.other]\ndatabase = \"" +
                                       other_->url() + "\"\n");
    const std::string schema =
        "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);\n"
        "CREATE INDEX ix_users_email ON users (email);\n";
    db_->exec(schema);
    other_->exec(schema);
  }
  std::unique_ptr<TestDb> other_;
};

TEST_P(DiffTest, SameSchemasExitZero) {
  RunResult r = project_.run({"diff", "dev", "other"});
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_NE(r.out.find("The schemas are the same"), std::string::npos) << r.out;
}

TEST_P(DiffTest, NamesEachDifferingObject) {
  other_->exec(
      "CREATE TABLE rogue (x INT);\n"
      "DROP INDEX ix_users_email;\n"
      "CREATE INDEX ix_users_email ON users (email) WHERE email <> '';\n");
  RunResult r = project_.run({"diff", "dev", "other"});
  EXPECT_EQ(r.exit_code, 1) << r.describe();
  EXPECT_NE(r.out.find("table rogue: only in other"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("index ix_users_email: definition differs"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("2 difference(s)"), std::string::npos) << r.out;

  RunResult ignored = project_.run({"diff", "dev", "other", "--ignore", "table:rog*", "--ignore", "index:*"});
  EXPECT_EQ(ignored.exit_code, 0) << ignored.describe();

  RunResult json = project_.run({"diff", "dev", "other", "--json"});
  EXPECT_EQ(json.exit_code, 1) << json.describe();
  auto doc = nlohmann::json::parse(json.out);
  ASSERT_EQ(doc["differences"].size(), 2u) << json.out;
  EXPECT_EQ(doc["differences"][0]["type"], "only-in-to");
  EXPECT_EQ(doc["differences"][0]["name"], "rogue");
  EXPECT_EQ(doc["differences"][1]["changes"][0]["property"], "definition");
}

TEST_P(DiffTest, ComparesASavedSchemaWithADatabase) {
  auto driver = trellis::open_driver(db_->url(), trellis::OpenMode::kReadOnly, "");
  project_.write("saved.json", trellis::render_schema_json(driver->catalog().read_schema()));
  driver.reset();
  db_->exec("ALTER TABLE users ADD COLUMN name TEXT;");
  RunResult r = project_.run({"diff", "saved.json", "dev"});
  EXPECT_EQ(r.exit_code, 1) << r.describe();
  EXPECT_NE(r.out.find("column users.name: only in dev"), std::string::npos) << r.out;
}

TEST_P(DiffTest, BadSourcesAreUsageErrors) {
  RunResult r = project_.run({"diff", "dev", "staging"});
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_NE(r.err.find("environments: dev, other"), std::string::npos) << r.err;
  project_.write("broken.json", "{\"objects\": 1}");
  r = project_.run({"diff", "broken.json", "dev"});
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_NE(r.err.find("broken.json: not a schema"), std::string::npos) << r.err;
  r = project_.run({"diff", "dev", "other", "--ignore", "nocolon"});
  EXPECT_EQ(r.exit_code, 2) << r.describe();
}

TRELLIS_BACKENDS(DiffTest);

}  // namespace
}  // namespace trellis_test
