// json_contract_test.cc — every --json command prints exactly one JSON document on every
// exit, errors included, and each document conforms to its JSON Schema in docs/schemas/
// (validated by tests/support/json_schema.h): "schema_version" first, null where nothing
// is known.
#include <filesystem>

#include <nlohmann/json.hpp>

#include "harness.h"
#include "json_schema.h"

namespace trellis_test {
namespace {

using nlohmann::json;

class JsonContractTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    project_.write_simple_config(db_->url());
  }

  // Runs `args`, expects exit `code` and one document on stdout conforming to `schema`.
  json document(const std::vector<std::string>& args, int code, const std::string& schema) {
    RunResult r = project_.run(args);
    EXPECT_EQ(r.exit_code, code) << r.describe();
    json doc;
    try {
      doc = json::parse(r.out);  // throws on nothing, on two documents, on trailing text
    } catch (const std::exception& e) {
      ADD_FAILURE() << "stdout is not one JSON document (" << e.what() << "):\n" << r.describe();
      return json();
    }
    for (const auto& problem : schemas_.validate(schema, doc)) {
      ADD_FAILURE() << schema << ": " << problem << "\n" << doc.dump(2);
    }
    EXPECT_EQ(nlohmann::ordered_json::parse(r.out).begin().key(), "schema_version") << r.out;
    return doc;
  }

  void write_two_features() {
    project_.write_migration("core", "0001_users.sql", migration("", "CREATE TABLE users (id integer);", "DROP TABLE users;"));
    project_.write_migration("core", "0002_bad.sql", migration("", "INSERT INTO no_such_table VALUES (1);"));
    project_.write_migration("shop", "0001_orders.sql",
                             migration("-- requires: core/0002_bad\n", "CREATE TABLE orders (id integer);"));
    project_.write_migration("tags", "0001_tags.sql", migration("", "CREATE TABLE tags (id integer);"));
  }

  JsonSchemas schemas_{std::string(TRELLIS_SOURCE_DIR) + "/docs/schemas"};
};

TEST_P(JsonContractTest, EveryReadingCommandsDocumentConformsToItsSchema) {
  write_two_features();
  document({"plan", "--json"}, 0, "plan.json");
  document({"apply", "--dry-run", "--json"}, 0, "plan.json");
  json applied = document({"apply", "--json"}, 1, "apply.json");
  std::map<std::string, json> by_id;
  for (const auto& r : applied["results"]) by_id[r["id"]] = r;
  ASSERT_EQ(by_id.size(), 4u) << applied.dump(2);
  EXPECT_EQ(by_id["core/0001_users"]["error"], nullptr);
  EXPECT_EQ(by_id["core/0001_users"]["statement"], nullptr);
  EXPECT_EQ(by_id["core/0001_users"]["blocked_by"], nullptr);
  EXPECT_EQ(by_id["core/0002_bad"]["statement"], 1);
  EXPECT_TRUE(by_id["core/0002_bad"]["error"].is_string());
  EXPECT_EQ(by_id["shop/0001_orders"]["blocked_by"], "core/0002_bad");
  EXPECT_EQ(by_id["shop/0001_orders"]["duration_ms"], nullptr);
  EXPECT_EQ(applied["interrupted"], nullptr);

  json status = document({"status", "--json"}, 0, "status.json");
  for (const auto& m : status["migrations"]) {
    if (m["id"] == "tags/0001_tags") {
      EXPECT_TRUE(m["applied_at"].is_string()) << m.dump();
      EXPECT_EQ(m["error"], nullptr) << m.dump();
      EXPECT_EQ(m["reason"], nullptr) << m.dump();
    }
  }
  document({"status", "--json", "--exit-code"}, 1, "status.json");
  document({"history", "--json"}, 0, "history.json");
  document({"graph", "--json"}, 0, "graph.json");
  document({"stamp", "--dry-run", "--json", "tags/0001_tags"}, 0, "stamp.json");
  json repair = document({"repair", "--dry-run", "--json"}, 0, "repair.json");
  ASSERT_EQ(repair["changes"].size(), 1u) << repair.dump(2);
  EXPECT_EQ(repair["changes"][0]["id"], "core/0002_bad");
  EXPECT_EQ(repair["changes"][0]["action"], "clear-failure");
  EXPECT_EQ(repair["done"], false);
  document({"lint", "--format", "json"}, 0, "lint.json");
  document({"check", "--json"}, 1, "check.json");
  document({"check", "--json", "--no-drift"}, 1, "check.json");
  document({"schema", "--json"}, 0, "schema.json");
}

TEST_P(JsonContractTest, RepairPrintsItsDocumentWhenItChangesAndAnErrorDocumentWhenRefused) {
  write_two_features();
  ASSERT_EQ(project_.run({"apply"}).exit_code, 1);
  json refused = document({"repair", "--json"}, 2, "error.json");  // no terminal, no --yes
  EXPECT_EQ(refused["command"], "repair");
  EXPECT_TRUE(refused["errors"][0]["hint"].is_string()) << refused.dump(2);
  project_.remove("migrations/core/0002_bad.sql");
  project_.remove("migrations/shop/0001_orders.sql");  // it requires core/0002_bad
  json done = document({"repair", "--yes", "--json"}, 0, "repair.json");
  EXPECT_EQ(done["done"], true);
  ASSERT_EQ(done["changes"].size(), 1u) << done.dump(2);
  EXPECT_EQ(done["changes"][0]["action"], "remove");
  EXPECT_EQ(done["changes"][0]["file"], nullptr);
  json nothing = document({"repair", "--json"}, 0, "repair.json");
  EXPECT_EQ(nothing["done"], false);
  EXPECT_TRUE(nothing["changes"].empty()) << nothing.dump(2);
}

TEST_P(JsonContractTest, ApplyWithABadFilePrintsAnErrorDocumentWithFileAndLine) {
  project_.write_migration("core", "0001_users.sql", "-- phas: expand\n-- +up\nCREATE TABLE users (id integer);\n");
  for (const char* command : {"apply", "plan", "status", "history", "graph", "check"}) {
    json doc = document({command, "--json"}, 2, "error.json");
    EXPECT_EQ(doc["command"], command);
    EXPECT_EQ(doc["ok"], false);
    EXPECT_EQ(doc["exit_code"], 2);
    ASSERT_EQ(doc["errors"].size(), 1u) << doc.dump(2);
    EXPECT_EQ(doc["errors"][0]["file"], "migrations/core/0001_users.sql") << doc.dump(2);
    EXPECT_EQ(doc["errors"][0]["line"], 1) << doc.dump(2);
    EXPECT_NE(doc["errors"][0]["message"].get<std::string>().find("phas"), std::string::npos) << doc.dump(2);
  }
  EXPECT_TRUE(db_->applied_ids().empty());
}

TEST_P(JsonContractTest, UsageErrorsAndRefusedPlansStillPrintOneDocument) {
  project_.write_migration("core", "0001_users.sql", migration("", "CREATE TABLE users (id integer);"));
  json limit = document({"history", "--json", "--limit", "0"}, 2, "error.json");
  EXPECT_EQ(limit["errors"][0]["code"], "usage") << limit.dump(2);
  json unknown = document({"aply", "--json"}, 2, "error.json");
  EXPECT_NE(unknown["errors"][0]["message"].get<std::string>().find("did you mean 'apply'"), std::string::npos);
  json to = document({"apply", "--json", "--to", "core/0099"}, 2, "error.json");
  EXPECT_NE(to["errors"][0]["message"].get<std::string>().find("core/0099"), std::string::npos) << to.dump(2);
  // A refused plan (a late merge inside a feature) is the command's own document with errors[].
  ASSERT_EQ(project_.run({"apply"}).exit_code, 0);
  project_.write_migration("core", "0000_late.sql", migration("", "CREATE TABLE late (id integer);"));
  json refused = document({"apply", "--json"}, 2, "apply.json");
  ASSERT_EQ(refused["errors"].size(), 1u) << refused.dump(2);
  EXPECT_TRUE(refused["errors"][0]["hint"].is_string()) << refused.dump(2);
  json dry = document({"apply", "--dry-run", "--json"}, 2, "plan.json");
  EXPECT_EQ(dry["errors"].size(), 1u) << dry.dump(2);
  EXPECT_TRUE(db_->applied_ids() == std::vector<std::string>{"core/0001_users"});
}

TEST_P(JsonContractTest, AnUnreachableDatabaseIsAnErrorDocumentWithExitThree) {
  project_.write_migration("core", "0001_users.sql", migration("", "CREATE TABLE users (id integer);"));
  std::string url = is_sqlite() ? "sqlite:" + project_.path("no/such/dir/x.db")
                                : "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2";
  json doc = document({"apply", "--json", "--database", url}, 3, "error.json");
  EXPECT_EQ(doc["exit_code"], 3);
  EXPECT_FALSE(doc["errors"].empty());
}

// import, verify, adopt, diff and wait: their documents on success and on a failure exit
// (the command's own document for exit 1 or 3, the error document for exit 2).
TEST_P(JsonContractTest, ImportVerifyAdoptDiffAndWaitConformOnSuccessAndOnFailure) {
  project_.write("source/1_a.up.sql", "CREATE TABLE a (id integer);\n");
  project_.write("source/1_a.down.sql", "DROP TABLE a;\n");
  project_.write("source/2_b.up.sql", "ALTER TABLE a ADD COLUMN b text;\n");
  json dry = document({"import", "--from", "golang-migrate", "source", "--dry-run", "--json"}, 0, "import.json");
  EXPECT_EQ(dry["dry_run"], true);
  json imported = document({"import", "--from", "golang-migrate", "source", "--json"}, 0, "import.json");
  ASSERT_EQ(imported["migrations"].size(), 2u) << imported.dump(2);
  EXPECT_EQ(imported["migrations"][1]["has_down"], false);
  document({"import", "--from", "goose", "no-such-dir", "--json"}, 2, "error.json");

  json verified = document({"verify", "--json"}, 0, "verify.json");
  EXPECT_EQ(verified["ok"], true);

  document({"adopt", "--from", "dbmate", "--json"}, 2, "error.json");  // nothing was imported from dbmate
  RunResult before = project_.run({"schema", "--json"});
  ASSERT_EQ(before.exit_code, 0) << before.describe();
  project_.write("before.json", before.out);
  db_->exec(std::string("CREATE TABLE a (id integer); ALTER TABLE a ADD COLUMN b text; ") +
            "CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL); "
            "INSERT INTO schema_migrations VALUES (2, " + (is_sqlite() ? "0" : "false") + ");");
  json would = document({"adopt", "--from", "golang-migrate", "--dry-run", "--json"}, 0, "adopt.json");
  EXPECT_EQ(would["adopted"].size(), 2u) << would.dump(2);
  json adopted = document({"adopt", "--from", "golang-migrate", "--json"}, 0, "adopt.json");
  EXPECT_EQ(adopted["history_table"], "schema_migrations");

  json same = document({"diff", "dev", "dev", "--json"}, 0, "diff.json");
  EXPECT_EQ(same["same"], true);
  json differs = document({"diff", "before.json", "dev", "--json"}, 1, "diff.json");
  EXPECT_FALSE(differs["differences"].empty()) << differs.dump(2);
  document({"diff", "no-such.json", "dev", "--json"}, 2, "error.json");

  json ready = document({"wait", "--for", "core/2_b", "--json"}, 0, "wait.json");
  EXPECT_EQ(ready["ready"], true);
  json missing = document({"wait", "--for", "core/9_z", "--timeout", "0", "--json"}, 3, "wait.json");
  EXPECT_EQ(missing["missing"][0]["why"], "not applied") << missing.dump(2);
  document({"wait", "--json"}, 2, "error.json");  // neither --for, --lock nor --all-released

  project_.write_migration("core", "3_bad.sql", migration("", "INSERT INTO no_such_table VALUES (1);"));
  json failed = document({"verify", "--json"}, 1, "verify.json");
  EXPECT_EQ(failed["ok"], false);
  project_.write_migration("core", "4_broken.sql", "-- phas: expand\n-- +up\nSELECT 1;\n");
  document({"verify", "--json"}, 2, "error.json");
}

// A SQLite file that does not exist is a database that is not there yet (exit 3, said so),
// not one that lacks the migrations (issue 15).
TEST_P(JsonContractTest, WaitOnASqliteFileThatDoesNotExistSaysSo) {
  if (!is_sqlite()) GTEST_SKIP() << "a SQLite file";
  std::string url = "sqlite:" + project_.path("not-yet.db");
  json doc = document({"wait", "--database", url, "--for", "core/0001", "--timeout", "0", "--json"}, 3, "wait.json");
  EXPECT_EQ(doc["ready"], false);
  EXPECT_NE(doc["error"].get<std::string>().find("the database does not exist"), std::string::npos) << doc.dump(2);
  RunResult text = project_.run({"wait", "--database", url, "--for", "core/0001", "--timeout", "0"});
  EXPECT_EQ(text.exit_code, 3) << text.describe();
  EXPECT_NE(text.err.find("does not exist"), std::string::npos) << text.err;
  EXPECT_EQ(text.err.find("not applied"), std::string::npos) << text.err;
  EXPECT_FALSE(std::filesystem::exists(project_.path("not-yet.db")));
}

TRELLIS_BACKENDS(JsonContractTest);

}  // namespace
}  // namespace trellis_test
