// The PostgreSQL driver against the private test server.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "db/drivers.h"
#include "db/postgres_driver.h"
#include "pg_server.h"
#include "trellis/error.h"

namespace trellis {
namespace {

using trellis_test::PgServer;

std::unique_ptr<Driver> open_pg(const std::string& url, OpenMode mode = OpenMode::kReadWrite,
                                const std::string& schema = "trellis") {
  return make_postgres_driver(url, mode, schema);
}

Statement stmt(const std::string& sql) { return Statement{sql, 1, 1, {}}; }

StateRow sample_row() {
  StateRow row;
  row.id = "core/0001_init";
  row.feature = "core";
  row.checksum = "abc123";
  row.phase = "expand";
  row.status = RecordStatus::kApplied;
  row.started_at = "2026-11-20T22:10:54.123Z";
  row.finished_at = "2026-11-20T22:10:55.001Z";
  row.duration_ms = 878;
  row.error = "";
  row.applied_by = "ops@host";
  row.tool_version = "0.1.0";
  row.statements_done = 2;
  return row;
}

HistoryEvent sample_event(const std::string& action) {
  HistoryEvent event;
  event.id = "core/0001_init";
  event.action = action;
  event.checksum = "abc123";
  event.at = "2026-11-20T22:10:55.001Z";
  event.duration_ms = 878;
  event.error = action == "fail" ? "it's broken" : "";
  event.by = "ops@host";
  event.tool_version = "0.1.0";
  return event;
}

TEST(PgDriver, EnsureStateTwiceCreatesSchemaAndTablesOnce) {
  TRELLIS_REQUIRE_PG_OR_SKIP(server);
  std::string url = server->create_database();
  auto driver = open_pg(url);
  EXPECT_EQ(driver->dialect().name(), "postgres");
  driver->state().ensure();
  driver->state().ensure();
  EXPECT_TRUE(driver->state().load_rows().empty());
  EXPECT_TRUE(driver->state().load_history().empty());
  EXPECT_EQ(server->query(url, "SELECT to_regclass('trellis.migrations') IS NOT NULL, "
                               "to_regclass('trellis.history') IS NOT NULL"),
            std::vector<std::string>{"t|t"});
}

TEST(PgDriver, EnsureStateConcurrentlyFromThreads) {
  TRELLIS_REQUIRE_PG_OR_SKIP(server);
  std::string url = server->create_database();
  std::atomic<int> ready{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      try {
        auto driver = open_pg(url);
        ++ready;
        while (ready.load() < 8) std::this_thread::yield();
        driver->state().ensure();
      } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
        ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_TRUE(open_pg(url)->state().load_rows().empty());
}

TEST(PgDriver, EnsureStateConcurrentlyFromProcesses) {
  TRELLIS_REQUIRE_PG_OR_SKIP(server);
  std::string url = server->create_database();
  std::vector<pid_t> children;
  for (int i = 0; i < 8; ++i) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      int status = 0;
      try {
        open_pg(url, OpenMode::kReadWrite, "shared state")->state().ensure();
      } catch (const std::exception&) {
        status = 1;
      }
      _exit(status);  // never run the parent's exit handlers (they stop the server)
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  EXPECT_EQ(server->query(url, "SELECT count(*) FROM \"shared state\".migrations"),
            std::vector<std::string>{"0"});
}

TEST(PgDriver, ReadOnlyNeverCreatesAnything) {
  TRELLIS_REQUIRE_PG_OR_SKIP(server);
  std::string url = server->create_database();
  auto driver = open_pg(url, OpenMode::kReadOnly);
  driver->state().ensure();
  EXPECT_TRUE(driver->state().load_rows().empty());
  EXPECT_TRUE(driver->state().load_history().empty());
  EXPECT_EQ(server->query(url, "SELECT to_regnamespace('trellis') IS NULL"),
            std::vector<std::string>{"t"});
}

TEST(PgDriver, RecordAndLoadRoundTrip) {
  TRELLIS_REQUIRE_PG_OR_SKIP(server);
  auto driver = open_pg(server->create_database());
  driver->state().ensure();
  StateRow row = sample_row();
  row.status = RecordStatus::kFailed;
  row.error = "statement 2 (line 7): boom";
  driver->state().record(row, sample_event("fail"));
  row.status = RecordStatus::kApplied;
  row.error = "";
  driver->state().record(row, sample_event("apply"));

  std::vector<StateRow> rows = driver->state().load_rows();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].id, row.id);
  EXPECT_EQ(rows[0].feature, "core");
  EXPECT_EQ(rows[0].checksum, "abc123");
  EXPECT_EQ(rows[0].phase, "expand");
  EXPECT_EQ(rows[0].status, RecordStatus::kApplied);
  EXPECT_EQ(rows[0].started_at, "2026-11-20T22:10:54.123Z");
  EXPECT_EQ(rows[0].finished_at, "2026-11-20T22:10:55.001Z");
  EXPECT_EQ(rows[0].duration_ms, 878);
  EXPECT_EQ(rows[0].error, "");
  EXPECT_EQ(rows[0].applied_by, "ops@host");
  EXPECT_EQ(rows[0].tool_version, "0.1.0");
  EXPECT_EQ(rows[0].statements_done, 2);

  std::vector<HistoryEvent> events = driver->state().load_history();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].action, "fail");
  EXPECT_EQ(events[0].error, "it's broken");
  EXPECT_EQ(events[1].action, "apply");
  EXPECT_LT(events[0].seq, events[1].seq);
  EXPECT_EQ(events[1].at, "2026-11-20T22:10:55.001Z");
  EXPECT_EQ(events[1].by, "ops@host");

  driver->state().forget(row.id, sample_event("rollback"));
  EXPECT_TRUE(driver->state().load_rows().empty());
  EXPECT_EQ(driver->state().load_history().back().action, "rollback");
}

TEST(PgDriver, RunningRowWithoutFinishTime) {
  TRELLIS_REQUIRE_PG_OR_SKIP(server);
  auto driver = open_pg(server->create_database(), OpenMode::kReadWrite, "ops");
  driver->state().ensure();
  StateRow row = sample_row();
  row.status = RecordStatus::kRunning;
  row.finished_at = "";
  HistoryEvent event = sample_event("start");
  event.at = "";
  driver->state().record(row, event);
  std::vector<StateRow> rows = driver->state().load_rows();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].status, RecordStatus::kRunning);
  EXPECT_EQ(rows[0].finished_at, "");
  EXPECT_EQ(driver->state().load_history().at(0).at.size(), 24u);  // now(), ISO with ms
}

TEST(PgDriver, ProgressUpdateWritesNoHistory) {
  TRELLIS_REQUIRE_PG_OR_SKIP(server);
  auto driver = open_pg(server->create_database());
  driver->state().ensure();
  StateRow row = sample_row();
  row.status = RecordStatus::kRunning;
  driver->state().record(row, sample_event("start"));
  row.statements_done = 5;
  driver->state().record(row, HistoryEvent{});
  EXPECT_EQ(driver->state().load_rows().at(0).statements_done, 5);
  EXPECT_EQ(driver->state().load_history().size(), 1u);
  EXPECT_EQ(driver->state().render_record(row, HistoryEvent{}).find("history"), std::string::npos);
}

TEST(PgDriver, RecordInsideARolledBackTransactionLeavesNothing) {
  TRELLIS_REQUIRE_PG_OR_SKIP(server);
  auto driver = open_pg(server->create_database());
  driver->state().ensure();
  driver->connection().begin(Timeouts{});
  driver->connection().execute(stmt("CREATE TABLE t (id int)"));
  driver->state().record(sample_row(), sample_event("apply"));
  driver->connection().rollback();
  EXPECT_TRUE(driver->state().load_rows().empty());
  EXPECT_TRUE(driver->state().load_history().empty());
  EXPECT_EQ(driver->connection().query_scalar("SELECT to_regclass('t')"), std::nullopt);
}

TEST(PgDriver, RoundTripsPerTransactionalMigration) {
  TRELLIS_REQUIRE_PG_OR_SKIP(server);
  auto driver = open_pg(server->create_database());
  driver->state().ensure();
  std::int64_t before = postgres_round_trips(*driver);
  driver->connection().begin(Timeouts{Millis(3000), Millis(0)});
  driver->connection().execute(stmt("CREATE TABLE t (id int)"));
  driver->state().record_and_commit(sample_row(), sample_event("apply"));
  EXPECT_EQ(postgres_round_trips(*driver) - before, 3);
  EXPECT_EQ(driver->state().load_rows().size(), 1u);
  EXPECT_EQ(driver->connection().query_scalar("SELECT to_regclass('t')"), "t");
}

// The bookkeeping and COMMIT go in one message: when the bookkeeping fails, COMMIT must
// not run, and the caller's rollback() undoes the migration's own statements too.
TEST(PgDriver, FailedBookkeepingSkipsTheCommitThatFollowsIt) {
  TRELLIS_REQUIRE_PG_OR_SKIP(server);
  auto driver = open_pg(server->create_database());
  driver->state().ensure();
  driver->connection().begin(Timeouts{});
  driver->connection().execute(stmt("CREATE TABLE t (id int)"));
  driver->connection().execute(stmt("ALTER TABLE trellis.history ADD CONSTRAINT refuse CHECK (false) NOT VALID"));
  EXPECT_THROW(driver->state().record_and_commit(sample_row(), sample_event("apply")), SqlError);
  driver->connection().rollback();
  EXPECT_TRUE(driver->state().load_rows().empty());
  EXPECT_TRUE(driver->state().load_history().empty());
  EXPECT_EQ(driver->connection().query_scalar("SELECT to_regclass('t')"), std::nullopt);
}

TEST(PgDriver, BeginSetsTransactionLocalTimeouts) {
  TRELLIS_REQUIRE_PG_OR_SKIP(server);
  auto driver = open_pg(server->create_database());
  Timeouts timeouts{Millis(1500), Millis(60000)};
  EXPECT_EQ(driver->dialect().render_begin(timeouts),
            "BEGIN; SET LOCAL lock_timeout = '1500ms'; SET LOCAL statement_timeout = '60000ms';");
  EXPECT_EQ(driver->dialect().render_begin(Timeouts{}), "BEGIN;");
  EXPECT_EQ(driver->dialect().render_commit(), "COMMIT;");
  driver->connection().begin(timeouts);
  EXPECT_EQ(driver->connection().query_scalar("SHOW lock_timeout"), "1500ms");
  EXPECT_EQ(driver->connection().query_scalar("SHOW statement_timeout"), "1min");
  driver->connection().commit();
  EXPECT_EQ(driver->connection().query_scalar("SHOW lock_timeout"), "0");
  driver->connection().set_session_timeouts(Timeouts{Millis(250), std::nullopt});
  EXPECT_EQ(driver->connection().query_scalar("SHOW lock_timeout"), "250ms");
}

TEST(PgDriver, RenderedRecordIsRunnableSql) {
  TRELLIS_REQUIRE_PG_OR_SKIP(server);
  std::string url = server->create_database();
  auto driver = open_pg(url);
  driver->state().ensure();
  StateRow row = sample_row();
  row.error = "quote ' and backslash \\";
  std::string sql = driver->dialect().render_begin(Timeouts{Millis(3000), Millis(0)}) + "\n" +
                    driver->state().render_record(row, sample_event("apply")) + "\n" +
                    driver->dialect().render_commit();
  EXPECT_NE(sql.find("INSERT INTO \"trellis\".migrations"), std::string::npos);
  EXPECT_NE(sql.find("ON CONFLICT (id) DO UPDATE"), std::string::npos);
  server->query(url, sql);
  ASSERT_EQ(driver->state().load_rows().size(), 1u);
  EXPECT_EQ(driver->state().load_rows()[0].error, "quote ' and backslash \\");
}

TEST(PgDriver, ExecuteReturnsRowsChangedAndQueryScalar) {
  TRELLIS_REQUIRE_PG_OR_SKIP(server);
  auto driver = open_pg(server->create_database());
  EXPECT_EQ(driver->connection().execute(stmt("CREATE TABLE t (id int)")), 0);
  EXPECT_EQ(driver->connection().execute(stmt("INSERT INTO t SELECT generate_series(1, 3)")), 3);
  EXPECT_EQ(driver->connection().execute(stmt("UPDATE t SET id = id + 1 WHERE id > 1")), 2);
  EXPECT_EQ(driver->connection().query_scalar("SELECT max(id) FROM t"), "4");
  EXPECT_EQ(driver->connection().query_scalar("SELECT id FROM t WHERE id > 100"), std::nullopt);
}

TEST(PgDriver, SqlErrorCarriesDetailAndSqlstate) {
  TRELLIS_REQUIRE_PG_OR_SKIP(server);
  auto driver = open_pg(server->create_database());
  driver->connection().execute(stmt("CREATE TABLE t (id int PRIMARY KEY)"));
  driver->connection().execute(stmt("INSERT INTO t VALUES (1)"));
  try {
    driver->connection().execute(stmt("INSERT INTO t VALUES (1)"));
    FAIL() << "expected a unique violation";
  } catch (const SqlError& e) {
    EXPECT_STREQ(e.what(),
                 "duplicate key value violates unique constraint \"t_pkey\"\n"
                 "DETAIL: Key (id)=(1) already exists.");
    EXPECT_EQ(e.sqlstate(), "23505");
    EXPECT_EQ(e.kind(), ErrorKind::kSql);
    EXPECT_FALSE(e.lock_timeout());
    EXPECT_FALSE(e.connection_lost());
  }
}

TEST(PgDriver, SplitThroughTheDriver) {
  TRELLIS_REQUIRE_PG_OR_SKIP(server);
  auto driver = open_pg(server->create_database());
  auto statements = driver->dialect().split("CREATE TABLE a (id int);\n\nSELECT 1;", 4);
  ASSERT_EQ(statements.size(), 2u);
  EXPECT_EQ(statements[1].line, 6);
  try {
    driver->dialect().split("SELECT 1;\nSELEKT 2;", 4);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kParse);
    EXPECT_STREQ(e.what(), "line 5: syntax error at or near \"SELEKT\" (statement 2)");
  }
}

}  // namespace
}  // namespace trellis
