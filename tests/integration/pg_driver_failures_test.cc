// The PostgreSQL driver when things go wrong: connections, the runner lock, lock
// timeouts, terminated sessions, and the INVALID index a failed CREATE INDEX
// CONCURRENTLY leaves.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "db/drivers.h"
#include "pg_server.h"
#include "trellis/error.h"

namespace trellis {
namespace {

using trellis_test::PgServer;

std::unique_ptr<Driver> open_pg(const std::string& url) {
  return make_postgres_driver(url, OpenMode::kReadWrite, "trellis");
}

Statement stmt(const std::string& sql) { return Statement{sql, 1, 1, {}}; }

// What the driver cleans before a statement outside a transaction runs (a first attempt).
std::vector<std::string> cleaned(Driver& driver, const Statement& statement) {
  return driver.dialect().before_outside(statement, false).notes;
}

std::string socket_url(const PgServer& server, const std::string& db, int port,
                       const std::string& user) {
  return "postgresql:///" + db + "?host=" + server.socket_dir() + "&port=" +
         std::to_string(port) + "&user=" + user;
}

Error connect_error(const std::string& url) {
  try {
    open_pg(url);
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "connected to " << url;
  return Error(ErrorKind::kInternal, "");
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(PgDriverFailures, NoServerOnThatPort) {
  TRELLIS_REQUIRE_LOCAL_PG_OR_SKIP(server);  // needs the server's socket
  Error e = connect_error(socket_url(*server, "shop", 1, "postgres"));
  EXPECT_EQ(e.kind(), ErrorKind::kConnection);
  std::string expected = "cannot connect to PostgreSQL database \"shop\" on host \"" +
                         server->socket_dir() + "\" port 1 as user \"postgres\": " +
                         "connection to server on socket \"" + server->socket_dir() +
                         "/.s.PGSQL.1\" failed: No such file or directory";
  EXPECT_EQ(std::string(e.what()).substr(0, expected.size()), expected) << e.what();
}

TEST(PgDriverFailures, MissingDatabase) {
  TRELLIS_REQUIRE_LOCAL_PG_OR_SKIP(server);  // needs the server's socket
  Error e = connect_error(socket_url(*server, "no_such_db", server->port(), "postgres"));
  EXPECT_EQ(e.kind(), ErrorKind::kConnection);
  EXPECT_TRUE(contains(e.what(), "database \"no_such_db\" on host")) << e.what();
  EXPECT_TRUE(contains(e.what(), "FATAL:  database \"no_such_db\" does not exist")) << e.what();
}

TEST(PgDriverFailures, WrongPasswordIsNeverShown) {
  TRELLIS_REQUIRE_OWN_PG_OR_SKIP(server);  // needs the server's socket and creates a role
  std::string url = server->create_database();
  server->query(url, std::string("DROP ROLE IF EXISTS ") + PgServer::kPasswordRole +
                         "; CREATE ROLE " + PgServer::kPasswordRole +
                         " LOGIN PASSWORD 'right-horse-battery'");
  std::string db = url.substr(url.find(":///") + 4, url.find('?') - url.find(":///") - 4);
  std::string base = socket_url(*server, db, server->port(), PgServer::kPasswordRole);
  const std::vector<std::string> attempts = {
      base + "&password=Wr0ngS3cretValue",
      "host=" + server->socket_dir() + " port=" + std::to_string(server->port()) +
          " dbname=" + db + " user=" + PgServer::kPasswordRole +
          " password='Wr0ngS3cretValue'"};
  for (const std::string& attempt : attempts) {
    Error e = connect_error(attempt);
    EXPECT_EQ(e.kind(), ErrorKind::kConnection);
    std::string all = std::string(e.what()) + "\n" + e.hint();
    EXPECT_TRUE(contains(all, "password authentication failed for user \"trellis_pw\""))
        << all;
    EXPECT_FALSE(contains(all, "Wr0ngS3cretValue")) << all;
    EXPECT_TRUE(contains(e.hint(), "***")) << e.hint();
  }
  auto driver = open_pg(base + "&password=right-horse-battery");
  EXPECT_FALSE(contains(driver->display_target(), "right-horse-battery"));
  EXPECT_TRUE(contains(driver->display_target(), "password=***"));
}

TEST(PgDriverFailures, SecondRunnerWaitsThenNamesTheHolder) {
  TRELLIS_REQUIRE_PG_OR_SKIP(server);
  std::string url = server->create_database();
  auto first = open_pg(url);
  auto second = open_pg(url);
  first->lock().acquire(Millis(0));
  std::string holder_pid = first->connection().query_scalar("SELECT pg_backend_pid()").value();
  auto started = std::chrono::steady_clock::now();
  try {
    second->lock().acquire(Millis(300));
    FAIL() << "second runner got the lock";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kLock);
    EXPECT_GE(std::chrono::steady_clock::now() - started, Millis(300));
    std::string prefix = "could not get the trellis runner lock of schema \"trellis\" on " +
                         url + " within 300ms: held by pid " + holder_pid +
                         ", user postgres, application 'trellis', client local socket, "
                         "connected since ";
    EXPECT_EQ(std::string(e.what()).substr(0, prefix.size()), prefix) << e.what();
  }
  first->lock().release();
  second->lock().acquire(Millis(0));
  second.reset();  // session end releases it
  first->lock().acquire(Millis(1000));
}

TEST(PgDriverFailures, WaitingRunnerGetsTheLockWhenTheHolderLeaves) {
  TRELLIS_REQUIRE_PG_OR_SKIP(server);
  std::string url = server->create_database();
  auto first = open_pg(url);
  first->lock().acquire(Millis(0));
  std::thread leaver([&] {
    std::this_thread::sleep_for(Millis(200));
    first.reset();
  });
  auto second = open_pg(url);
  EXPECT_NO_THROW(second->lock().acquire(Millis(5000)));
  leaver.join();
}

TEST(PgDriverFailures, LockTimeoutIsFlaggedForRetry) {
  TRELLIS_REQUIRE_PG_OR_SKIP(server);
  std::string url = server->create_database();
  auto holder = open_pg(url);
  holder->connection().execute(stmt("CREATE TABLE t (id int)"));
  holder->connection().begin(Timeouts{});
  holder->connection().execute(stmt("LOCK TABLE t IN ACCESS EXCLUSIVE MODE"));

  auto migrator = open_pg(url);
  migrator->connection().begin(Timeouts{Millis(100), Millis(0)});
  try {
    migrator->connection().execute(stmt("ALTER TABLE t ADD COLUMN x int"));
    FAIL() << "expected a lock timeout";
  } catch (const SqlError& e) {
    EXPECT_TRUE(e.lock_timeout());
    EXPECT_FALSE(e.connection_lost());
    EXPECT_EQ(e.sqlstate(), "55P03");
    EXPECT_EQ(e.kind(), ErrorKind::kSql);
    EXPECT_STREQ(e.what(), "canceling statement due to lock timeout");
  }
  migrator->connection().rollback();
  holder->connection().commit();
  migrator->connection().begin(Timeouts{Millis(100), Millis(0)});
  EXPECT_NO_THROW(migrator->connection().execute(stmt("ALTER TABLE t ADD COLUMN x int")));
  migrator->connection().commit();
}

TEST(PgDriverFailures, StatementTimeoutIsNotALockTimeout) {
  TRELLIS_REQUIRE_PG_OR_SKIP(server);
  auto driver = open_pg(server->create_database());
  driver->connection().begin(Timeouts{Millis(1000), Millis(100)});
  try {
    driver->connection().execute(stmt("SELECT pg_sleep(5)"));
    FAIL();
  } catch (const SqlError& e) {
    EXPECT_EQ(e.sqlstate(), "57014");
    EXPECT_FALSE(e.lock_timeout());
    EXPECT_FALSE(e.connection_lost());
  }
  driver->connection().rollback();
}

TEST(PgDriverFailures, TerminatedBackendIsAConnectionLoss) {
  TRELLIS_REQUIRE_PG_OR_SKIP(server);
  std::string url = server->create_database();
  auto victim = open_pg(url);
  std::string pid = victim->connection().query_scalar("SELECT pg_backend_pid()").value();
  victim->connection().begin(Timeouts{});
  server->query(url, "SELECT pg_terminate_backend(" + pid + ")");
  try {
    victim->connection().execute(stmt("SELECT 1"));
    FAIL() << "expected a lost connection";
  } catch (const SqlError& e) {
    EXPECT_TRUE(e.connection_lost()) << e.what();
    EXPECT_EQ(e.kind(), ErrorKind::kConnection);
    EXPECT_FALSE(e.lock_timeout());
  }
  EXPECT_NO_THROW(victim->connection().rollback());
  EXPECT_NO_THROW(victim->lock().release());
}

TEST(PgDriverFailures, FailedConcurrentIndexLeavesAnInvalidIndexThatIsCleaned) {
  TRELLIS_REQUIRE_PG_OR_SKIP(server);
  auto driver = open_pg(server->create_database());
  driver->connection().execute(stmt("CREATE TABLE accounts (id int, email text)"));
  driver->connection().execute(stmt("INSERT INTO accounts VALUES (1, 'a@x'), (2, 'a@x')"));
  const Statement create =
      stmt("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ix_email ON accounts (email)");
  EXPECT_TRUE(cleaned(*driver, create).empty());
  try {
    driver->connection().execute(create);
    FAIL() << "expected a unique violation";
  } catch (const SqlError& e) {
    EXPECT_EQ(e.sqlstate(), "23505");
  }
  EXPECT_EQ(driver->dialect().find_leftovers(),
            std::vector<std::string>{
                "index public.ix_email (INVALID: left by an interrupted CREATE INDEX "
                "CONCURRENTLY)"});
  // IF NOT EXISTS would now "succeed" on the invalid index: cleaning must come first.
  EXPECT_TRUE(cleaned(*driver, stmt("CREATE INDEX CONCURRENTLY other ON accounts (id)"))
                  .empty());
  driver->connection().execute(stmt("DELETE FROM accounts WHERE id = 2"));
  EXPECT_EQ(cleaned(*driver, create),
            std::vector<std::string>{"dropped INVALID index public.ix_email left by an "
                                     "interrupted CREATE INDEX CONCURRENTLY"});
  EXPECT_TRUE(driver->dialect().find_leftovers().empty());
  driver->connection().execute(create);
  EXPECT_EQ(driver->connection().query_scalar("SELECT indisvalid FROM pg_index "
                                 "WHERE indexrelid = 'ix_email'::regclass"),
            "t");
  EXPECT_TRUE(cleaned(*driver, create).empty());  // a valid index is left alone
}

TEST(PgDriverFailures, LeftoverInAnotherSchemaIsFoundAndCleaned) {
  TRELLIS_REQUIRE_PG_OR_SKIP(server);
  auto driver = open_pg(server->create_database());
  driver->connection().execute(stmt("CREATE SCHEMA app"));
  driver->connection().execute(stmt("CREATE TABLE app.t (v int)"));
  driver->connection().execute(stmt("INSERT INTO app.t VALUES (1), (1)"));
  const Statement create = stmt("CREATE UNIQUE INDEX CONCURRENTLY ix_v ON app.t (v)");
  EXPECT_THROW(driver->connection().execute(create), SqlError);
  EXPECT_EQ(driver->dialect().find_leftovers(),
            std::vector<std::string>{
                "index app.ix_v (INVALID: left by an interrupted CREATE INDEX CONCURRENTLY)"});
  EXPECT_EQ(cleaned(*driver, create).size(), 1u);
  EXPECT_EQ(driver->connection().query_scalar("SELECT to_regclass('app.ix_v')"), std::nullopt);
}

TEST(PgDriverFailures, ReindexConcurrentlyLeftoversAreCleaned) {
  TRELLIS_REQUIRE_PG_OR_SKIP(server);
  auto driver = open_pg(server->create_database());
  driver->connection().execute(stmt("CREATE TABLE t (v int)"));
  driver->connection().execute(stmt("CREATE INDEX ix_v ON t (v)"));
  driver->connection().execute(stmt("INSERT INTO t VALUES (1), (1)"));
  // What an interrupted REINDEX CONCURRENTLY leaves: an INVALID <name>_ccnew next to it.
  EXPECT_THROW(driver->connection().execute(stmt("CREATE UNIQUE INDEX CONCURRENTLY ix_v_ccnew ON t (v)")),
               SqlError);
  EXPECT_EQ(driver->dialect().find_leftovers(),
            std::vector<std::string>{
                "index public.ix_v_ccnew (INVALID: left by an interrupted REINDEX CONCURRENTLY)"});
  EXPECT_TRUE(cleaned(*driver, stmt("REINDEX INDEX CONCURRENTLY other_ix")).empty());
  EXPECT_EQ(cleaned(*driver, stmt("REINDEX INDEX CONCURRENTLY ix_v")),
            std::vector<std::string>{"dropped INVALID index public.ix_v_ccnew left by an "
                                     "interrupted REINDEX CONCURRENTLY"});
  EXPECT_THROW(driver->connection().execute(stmt("CREATE UNIQUE INDEX CONCURRENTLY ix_v_ccnew ON t (v)")),
               SqlError);
  EXPECT_TRUE(cleaned(*driver, stmt("REINDEX INDEX ix_v")).empty());  // not concurrent
  EXPECT_EQ(cleaned(*driver, stmt("REINDEX TABLE CONCURRENTLY t")).size(), 1u);
  EXPECT_TRUE(driver->dialect().find_leftovers().empty());
  EXPECT_EQ(driver->connection().query_scalar("SELECT indisvalid FROM pg_index "
                                 "WHERE indexrelid = 'ix_v'::regclass"),
            "t");
}

TEST(PgDriverFailures, CopyFromStdinFailsAndLeavesTheConnectionUsable) {
  TRELLIS_REQUIRE_PG_OR_SKIP(server);
  auto driver = open_pg(server->create_database());
  driver->connection().execute(stmt("CREATE TABLE t (id int)"));
  try {
    driver->connection().execute(stmt("COPY t FROM STDIN"));
    FAIL();
  } catch (const SqlError& e) {
    EXPECT_EQ(e.sqlstate(), "0A000");
  }
  EXPECT_THROW(driver->connection().execute(stmt("COPY t TO STDOUT")), SqlError);
  EXPECT_EQ(driver->connection().query_scalar("SELECT 42"), "42");
}

}  // namespace
}  // namespace trellis
