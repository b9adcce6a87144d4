// PostgreSQL scratch databases (trellis/scratch.h) on the test run's server: made, forked
// and dropped; leftovers of a killed run dropped by the next one, never one in use; a role
// without CREATEDB refused (exit-3 kind) unless a scratch database is given, which is
// then used in place, must be empty, and is emptied again.
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "harness.h"
#include "trellis/error.h"
#include "trellis/scratch.h"

namespace trellis {
namespace {

using trellis_test::PgServer;

void run(Driver& d, const std::string& sql) {
  for (const Statement& st : d.dialect().split(sql, 1)) d.connection().execute(st);
}

class PgScratchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    TRELLIS_REQUIRE_PG_OR_SKIP(server);
    server_ = server;
    url_ = server_->create_database();
    oid_ = PgServer::query(url_, "SELECT oid FROM pg_database WHERE datname = current_database()").at(0);
  }
  std::vector<std::string> scratch_databases() {
    return PgServer::query(url_, "SELECT datname FROM pg_database WHERE datname LIKE 'trellis\\_scratch\\_" + oid_ +
                                     "\\_%' ORDER BY 1");
  }
  std::string role_url(const std::string& role) {
    std::string url = url_;
    url.replace(url.find("&user="), std::string::npos, "&user=" + role);
    return url;
  }

  PgServer* server_ = nullptr;
  std::string url_, oid_;
};

TEST_F(PgScratchTest, MakesForksAndDropsDatabases) {
  {
    auto server = open_scratch_server(url_, "", DriverOptions{});
    auto a = server->create();
    EXPECT_EQ(scratch_databases().size(), 1u);
    EXPECT_NE(a->display_name().find("trellis_scratch_" + oid_), std::string::npos) << a->display_name();
    run(a->driver(), "CREATE TABLE t (x int); INSERT INTO t VALUES (1)");
    auto b = a->fork();
    ASSERT_NE(b, nullptr);
    run(b->driver(), "CREATE TABLE only_b (y int)");
    EXPECT_EQ(b->driver().connection().query_scalar("SELECT count(*) FROM t"), "1");
    // The source works again after the copy.
    EXPECT_EQ(a->driver().connection().query_scalar("SELECT to_regclass('only_b') IS NULL"), "t");
    EXPECT_EQ(scratch_databases().size(), 2u);
  }
  EXPECT_TRUE(scratch_databases().empty());
  // Nothing was made in the live database.
  EXPECT_EQ(PgServer::query(url_, "SELECT count(*) FROM pg_class WHERE relname IN ('t', 'only_b')").at(0), "0");
}

TEST_F(PgScratchTest, ALaterRunDropsWhatAKilledRunLeftButNotWhatALiveRunUses) {
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    try {
      auto server = open_scratch_server(url_, "", DriverOptions{});
      auto db = server->create();
      run(db->driver(), "CREATE TABLE t (x int)");
      std::fflush(nullptr);
      _exit(0);  // killed: no destructor drops it
    } catch (...) {
      _exit(1);
    }
  }
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  ASSERT_EQ(scratch_databases().size(), 1u) << "the killed run left its scratch database";

  auto live = open_scratch_server(url_, "", DriverOptions{});  // cleans the leftover
  auto in_use = live->create();
  auto names = scratch_databases();
  ASSERT_EQ(names.size(), 1u);
  auto other = open_scratch_server(url_, "", DriverOptions{});  // must leave in_use alone
  EXPECT_EQ(scratch_databases(), names);
  run(in_use->driver(), "CREATE TABLE still_here (x int)");
}

TEST_F(PgScratchTest, ARoleWithoutCreatedbIsToldWhatToDo) {
  std::string database = PgServer::query(url_, "SELECT current_database()").at(0);
  std::string role = "nocreate_" + database;
  PgServer::query(url_, "CREATE ROLE " + role + " LOGIN NOSUPERUSER NOCREATEDB");
  try {
    open_scratch_server(role_url(role), "", DriverOptions{});
    ADD_FAILURE() << "a role without CREATEDB made a scratch database";
  } catch (const Error& e) {
    EXPECT_EQ(exit_code_for(e.kind()), ExitCode::kUnavailable);
    EXPECT_NE(std::string(e.what()).find("may not create databases"), std::string::npos) << e.what();
    EXPECT_NE(e.hint().find("--scratch"), std::string::npos) << e.hint();
  }
  PgServer::query(url_, "DROP ROLE " + role);
}

TEST_F(PgScratchTest, AGivenDatabaseIsUsedInPlaceWhenTheRoleCannotCreateOne) {
  std::string scratch = server_->create_database();
  std::string database = PgServer::query(scratch, "SELECT current_database()").at(0);
  std::string role = "inplace_" + database;
  PgServer::query(url_, "CREATE ROLE " + role + " LOGIN NOSUPERUSER NOCREATEDB");
  PgServer::query(scratch, "GRANT CREATE ON SCHEMA public TO " + role);
  std::string role_scratch = scratch;
  role_scratch.replace(role_scratch.find("&user="), std::string::npos, "&user=" + role);
  {
    auto server = open_scratch_server(url_, role_scratch, DriverOptions{});
    auto db = server->create();
    EXPECT_EQ(db->fork(), nullptr) << "a database used in place cannot be copied";
    run(db->driver(), "CREATE TABLE replayed (x int); CREATE VIEW v AS SELECT * FROM replayed");
  }
  EXPECT_EQ(PgServer::query(scratch, "SELECT count(*) FROM pg_class WHERE relname IN ('replayed', 'v')").at(0), "0")
      << "emptied again afterwards";
  PgServer::query(scratch, "CREATE TABLE users_data (x int)");
  try {
    open_scratch_server(url_, role_scratch, DriverOptions{})->create();
    ADD_FAILURE() << "replayed on a database that holds tables";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("is not empty"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("users_data"), std::string::npos) << e.what();
  }
  // Something the role owns that is no relation (a scratch URL naming the live database,
  // say): emptying it afterwards would drop it, so it is refused.
  PgServer::query(scratch, "DROP TABLE users_data");
  PgServer::query(role_scratch, "CREATE FUNCTION kept() RETURNS int LANGUAGE sql AS 'SELECT 1'");
  try {
    open_scratch_server(url_, role_scratch, DriverOptions{})->create();
    ADD_FAILURE() << "replayed where the role owns a function";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("its role owns"), std::string::npos) << e.what();
  }
  EXPECT_EQ(PgServer::query(scratch, "SELECT count(*) FROM pg_proc WHERE proname = 'kept'").at(0), "1");
  PgServer::query(scratch, "REVOKE ALL ON SCHEMA public FROM " + role + "; DROP OWNED BY " + role + "; DROP ROLE " + role);
}

}  // namespace
}  // namespace trellis
