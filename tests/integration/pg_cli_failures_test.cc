// End-to-end failure handling on PostgreSQL with the real trellis binary: lock
// contention with retries, a failed CREATE INDEX CONCURRENTLY, and bad input.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "db/drivers.h"
#include "harness.h"

namespace trellis_test {
namespace {

using Json = nlohmann::json;
using trellis::Millis;

Json first_result(const RunResult& apply) {
  Json results = parse_json(apply).value("results", Json::array());
  if (results.empty()) {
    ADD_FAILURE() << "no results: " << apply.out << apply.err;
    return Json::object();
  }
  return results[0];
}

std::string scalar(PgServer* server, const std::string& url, const std::string& sql) {
  std::vector<std::string> rows = server->query(url, sql);
  return rows.empty() ? "" : rows[0];
}

// Holds ACCESS SHARE on `table` in an open transaction, as a long-running reader would.
std::unique_ptr<trellis::Driver> hold_table(const std::string& url, const std::string& table) {
  auto holder = trellis::make_postgres_driver(url, trellis::OpenMode::kReadWrite, "trellis");
  holder->connection().begin(trellis::Timeouts{});
  holder->connection().execute(trellis::Statement{"SELECT count(*) FROM " + table, 1, 1, {}});
  return holder;
}

const char* kAddColumn = "-- +up\nALTER TABLE accounts ADD COLUMN note text;\n";

TEST(PgCliFailures, LockTimeoutIsRetriedUntilTheHolderCommits) {
  TRELLIS_REQUIRE_PG_OR_SKIP(server);
  std::string url = server->create_database();
  server->query(url, "CREATE TABLE accounts (id int)");
  TestProject project;
  configure_scripted(project, url, "pg", "lock_timeout = \"100ms\"\nlock_retries = 10");
  project.write("migrations/acc/0001_note.sql", kAddColumn);
  auto holder = hold_table(url, "accounts");
  std::thread committer([&] {
    std::this_thread::sleep_for(Millis(800));
    holder->connection().commit();
  });
  RunResult apply = project.run({"apply", "--json"});
  committer.join();
  EXPECT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  Json result = first_result(apply);
  EXPECT_EQ(result.value("result", ""), "applied");
  EXPECT_GT(result.value("attempts", 0), 1);
  EXPECT_EQ(scalar(server, url, "SELECT count(*) FROM pg_attribute WHERE attname = 'note'"),
            "1");
}

TEST(PgCliFailures, LockTimeoutGivesUpAfterTheRetries) {
  TRELLIS_REQUIRE_PG_OR_SKIP(server);
  std::string url = server->create_database();
  server->query(url, "CREATE TABLE accounts (id int)");
  TestProject project;
  configure_scripted(project, url, "pg", "lock_timeout = \"100ms\"\nlock_retries = 2");
  project.write("migrations/acc/0001_note.sql", kAddColumn);
  project.write("migrations/other/0001_t.sql", "-- +up\nCREATE TABLE other_t (id int);\n");
  auto holder = hold_table(url, "accounts");
  auto started = std::chrono::steady_clock::now();
  RunResult apply = project.run({"apply", "--json"});
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(30));
  EXPECT_EQ(apply.exit_code, 1) << apply.out << apply.err;
  Json json = parse_json(apply);
  bool seen = false;
  for (const Json& r : json.value("results", Json::array())) {
    if (r.value("id", "") != "acc/0001_note") continue;
    seen = true;
    EXPECT_EQ(r.value("result", ""), "failed");
    EXPECT_EQ(r.value("attempts", 0), 3);
    EXPECT_NE(r.value("error", "").find("lock timeout"), std::string::npos) << r.dump();
  }
  EXPECT_TRUE(seen) << apply.out;
  EXPECT_EQ(json.value("applied", -1), 1);  // the independent feature went on
  holder->connection().rollback();
  RunResult rerun = project.run({"apply"});
  EXPECT_EQ(rerun.exit_code, 0) << rerun.out << rerun.err;
}

TEST(PgCliFailures, FailedConcurrentIndexIsReportedAndCleanedOnRerun) {
  TRELLIS_REQUIRE_PG_OR_SKIP(server);
  std::string url = server->create_database();
  server->query(url, "CREATE TABLE users (id int, email text);"
                     "INSERT INTO users VALUES (1, 'a@x'), (2, 'a@x')");
  TestProject project;
  configure_scripted(project, url);
  project.write("migrations/users/0001_unique_email.sql",
                "-- transaction: false\n-- +up\n"
                "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ux_email ON users (email);\n");
  RunResult apply = project.run({"apply"});
  EXPECT_EQ(apply.exit_code, 1) << apply.out << apply.err;

  Json status = parse_json(project.run({"status", "--json"}));
  bool leftover = false;
  for (const Json& w : status.value("warnings", Json::array())) {
    leftover = leftover || (w.value("kind", "") == "leftover" &&
                            w.value("message", "").find("ux_email") != std::string::npos);
  }
  EXPECT_TRUE(leftover) << status.dump();
  for (const Json& m : status.value("migrations", Json::array())) {
    EXPECT_EQ(m.value("state", ""), "failed") << m.dump();
  }

  server->query(url, "DELETE FROM users WHERE id = 2");
  RunResult rerun = project.run({"apply"});
  EXPECT_EQ(rerun.exit_code, 0) << rerun.out << rerun.err;
  EXPECT_EQ(scalar(server, url, "SELECT indisvalid FROM pg_index "
                                "WHERE indexrelid = 'ux_email'::regclass"),
            "t");
}

struct BadTarget {
  const char* name;
  std::string url;
  std::string expected;
};

TEST(PgCliFailures, UnreachableOrRefusedDatabaseExitsThreeWithoutPassword) {
  TRELLIS_REQUIRE_OWN_PG_OR_SKIP(server);  // creates a role, needs the server's socket
  std::string url = server->create_database();
  server->query(url, std::string("DROP ROLE IF EXISTS ") + PgServer::kPasswordRole +
                         "; CREATE ROLE " + PgServer::kPasswordRole +
                         " LOGIN PASSWORD 'the-right-one'");
  std::string socket = "host=" + server->socket_dir() + "&port=" + std::to_string(server->port());
  std::string db = url.substr(url.find(":///") + 4, url.find('?') - url.find(":///") - 4);
  const std::vector<BadTarget> targets = {
      {"unreachable", "postgresql:///" + db + "?host=/nonexistent-dir&port=1&user=postgres",
       "cannot connect"},
      {"wrong password",
       "postgresql://" + std::string(PgServer::kPasswordRole) + ":Sup3rS3cretPw@/" + db + "?" +
           socket,
       "password authentication failed"},
      {"missing database", "postgresql:///no_such_db?" + socket + "&user=postgres",
       "\"no_such_db\" does not exist"}};
  TestProject project;
  configure_scripted(project, url);
  project.write("migrations/a/0001_t.sql", "-- +up\nCREATE TABLE t (id int);\n");
  for (const BadTarget& target : targets) {
    SCOPED_TRACE(target.name);
    RunResult apply = project.run({"apply", "--database", target.url});
    EXPECT_EQ(apply.exit_code, 3) << apply.out << apply.err;
    EXPECT_EQ(apply.err.rfind("trellis: error: ", 0), 0u) << apply.err;
    EXPECT_NE(apply.err.find(target.expected), std::string::npos) << apply.err;
    EXPECT_EQ((apply.out + apply.err).find("Sup3rS3cretPw"), std::string::npos);
  }
  EXPECT_EQ(scalar(server, url, "SELECT to_regclass('t') IS NULL"), "t");
}

TEST(PgCliFailures, SqlErrorNamesTheFileLineAndRollsBack) {
  TRELLIS_REQUIRE_PG_OR_SKIP(server);
  std::string url = server->create_database();
  TestProject project;
  configure_scripted(project, url);
  project.write("migrations/a/0001_broken.sql",
                "-- phase: expand\n-- +up\nCREATE TABLE ok1 (id int);\n\n"
                "INSERT INTO missing_table\n  VALUES (1);\n");
  RunResult apply = project.run({"apply"});
  EXPECT_EQ(apply.exit_code, 1) << apply.out << apply.err;
  EXPECT_NE((apply.out + apply.err).find("line 5"), std::string::npos) << apply.out << apply.err;
  EXPECT_NE((apply.out + apply.err).find("relation \"missing_table\" does not exist"),
            std::string::npos)
      << apply.out << apply.err;
  EXPECT_EQ(scalar(server, url, "SELECT to_regclass('ok1') IS NULL"), "t");

  Json result = first_result(project.run({"apply", "--json"}));
  EXPECT_EQ(result.value("result", ""), "failed");
  EXPECT_EQ(result.value("line", 0), 5);
  const Json statement = result.value("statement", Json());
  if (statement.is_number()) {
    EXPECT_EQ(statement.get<int>(), 2);
  } else {
    EXPECT_NE(statement.dump().find("missing_table"), std::string::npos) << result.dump();
  }
}

}  // namespace
}  // namespace trellis_test
