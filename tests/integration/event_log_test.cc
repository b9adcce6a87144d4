// event_log_test.cc — `--log-format json`: stderr holds one JSON object per line and
// nothing else, every event with "ts", "event" and the one "run_id" of the run; apply
// tells each migration's start and end (duration, attempts, error, blocked_by), each
// backfill batch (rows), a retry after a lock timeout, a wait for the runner lock, and
// closes with "run.finished" and its counts.
#include <sstream>

#include <nlohmann/json.hpp>

#include "harness.h"
#include "pg_lock_holder.h"
#include "trellis/driver.h"

namespace trellis_test {
namespace {

using nlohmann::json;

// Every line of `err` as JSON (a failure names a line that is not one).
std::vector<json> events_of(const std::string& err) {
  std::vector<json> events;
  std::istringstream in(err);
  for (std::string line; std::getline(in, line);) {
    try {
      events.push_back(json::parse(line));
    } catch (const std::exception&) {
      ADD_FAILURE() << "not a JSON line on stderr: " << line;
    }
  }
  return events;
}

std::vector<json> named(const std::vector<json>& events, const std::string& name) {
  std::vector<json> out;
  for (const auto& e : events) {
    if (e.value("event", "") == name) out.push_back(e);
  }
  return out;
}

class EventLogTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    project_.write_simple_config(db_->url());
  }
};

TEST_P(EventLogTest, ApplyWritesOneEventPerLineForEveryMigrationAndBatch) {
  project_.write_migration("core", "0001_items.sql",
                           migration("", "CREATE TABLE items (id integer PRIMARY KEY, n integer NOT NULL DEFAULT 0);\n"
                                         "INSERT INTO items (id) VALUES (1), (2), (3), (4), (5);"));
  project_.write_migration("core", "0002_fill.sql",
                           "-- phase: backfill\n-- batch: table=items key=id size=2\n-- +up\n"
                           "UPDATE items SET n = 1 WHERE id > :lo AND id <= :hi;\n");
  project_.write_migration("bad", "0001_bad.sql", migration("", "INSERT INTO no_such_table VALUES (1);"));
  project_.write_migration("bad", "0002_next.sql", migration("", "CREATE TABLE next_one (id integer);"));
  RunResult r = project_.run({"--log-format", "json", "apply"});
  ASSERT_EQ(r.exit_code, 1) << r.describe();
  std::vector<json> events = events_of(r.err);
  ASSERT_FALSE(events.empty()) << r.describe();
  std::string run_id = events.front().value("run_id", "");
  EXPECT_EQ(run_id.size(), 16u) << r.err;
  for (const auto& e : events) {
    EXPECT_EQ(e.value("run_id", ""), run_id) << e.dump();
    EXPECT_TRUE(e.contains("ts") && e["ts"].is_string() && e["ts"].get<std::string>().back() == 'Z') << e.dump();
  }
  ASSERT_EQ(named(events, "run.started").size(), 1u) << r.err;
  EXPECT_EQ(named(events, "run.started")[0]["migrations"], 4) << r.err;
  EXPECT_EQ(named(events, "migration.started").size(), 3u) << r.err;
  auto finished = named(events, "migration.finished");
  ASSERT_EQ(finished.size(), 2u) << r.err;
  for (const auto& f : finished) {
    EXPECT_TRUE(f["duration_ms"].is_number_integer()) << f.dump();
    EXPECT_EQ(f["attempts"], 1) << f.dump();
    EXPECT_EQ(f["error"], nullptr) << f.dump();
  }
  auto failed = named(events, "migration.failed");
  ASSERT_EQ(failed.size(), 1u) << r.err;
  EXPECT_EQ(failed[0]["id"], "bad/0001_bad");
  EXPECT_NE(failed[0]["error"].get<std::string>().find("no_such_table"), std::string::npos) << failed[0].dump();
  EXPECT_EQ(failed[0]["statement"], 1);
  auto blocked = named(events, "migration.blocked");
  ASSERT_EQ(blocked.size(), 1u) << r.err;
  EXPECT_EQ(blocked[0]["blocked_by"], "bad/0001_bad");
  auto batches = named(events, "backfill.batch");
  ASSERT_GE(batches.size(), 3u) << r.err;
  std::int64_t rows = 0;
  for (const auto& b : batches) {
    EXPECT_EQ(b["id"], "core/0002_fill");
    rows += b["rows"].get<std::int64_t>();
  }
  EXPECT_EQ(rows, 5) << r.err;
  EXPECT_EQ(batches.back()["rows_done"], 5);
  auto done = named(events, "run.finished");
  ASSERT_EQ(done.size(), 1u) << r.err;
  EXPECT_EQ(done[0]["command"], "apply");
  EXPECT_EQ(done[0]["exit_code"], 1);
  EXPECT_EQ(done[0]["applied"], 2);
  EXPECT_EQ(done[0]["failed"], 1);
  EXPECT_EQ(done[0]["blocked"], 1);
  EXPECT_EQ(events.back()["event"], "run.finished") << r.err;
  // What would be text on stderr is an event too: the failure's error message.
  EXPECT_FALSE(named(events, "message").empty()) << r.err;
  // stdout keeps its text for a person.
  EXPECT_NE(r.out.find("FAILED"), std::string::npos) << r.describe();
}

TEST_P(EventLogTest, BadInputIsAnErrorEventWithFileAndLine) {
  project_.write_migration("core", "0001_x.sql", "-- phas: expand\n-- +up\nSELECT 1;\n");
  RunResult r = project_.run({"apply", "--log-format=json"});
  ASSERT_EQ(r.exit_code, 2) << r.describe();
  std::vector<json> events = events_of(r.err);
  auto errors = named(events, "error");
  ASSERT_EQ(errors.size(), 1u) << r.err;
  EXPECT_EQ(errors[0]["file"], "migrations/core/0001_x.sql");
  EXPECT_EQ(errors[0]["line"], 1);
  ASSERT_EQ(named(events, "run.finished").size(), 1u) << r.err;
  EXPECT_EQ(named(events, "run.finished")[0]["exit_code"], 2);
}

TEST_P(EventLogTest, AWaitForTheRunnerLockIsAnEvent) {
  project_.write_migration("core", "0001_init.sql", migration("", "CREATE TABLE t (id integer);"));
  ASSERT_EQ(project_.run({"apply"}).exit_code, 0);
  project_.write_migration("core", "0002_more.sql", migration("", "CREATE TABLE u (id integer);"));
  auto holder = trellis::open_driver(db_->url(), trellis::OpenMode::kReadWrite, "trellis");
  holder->lock().acquire(trellis::Millis{0});
  Child waiter(project_.options({"--log-format", "json", "apply", "--lock-wait", "20s"}));
  EXPECT_TRUE(waiter.wait_for_output("\"lock.waited\"", milliseconds(10000)));
  holder->lock().release();
  RunResult r = waiter.finish(milliseconds(20000));
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  auto waited = named(events_of(r.err), "lock.waited");
  ASSERT_FALSE(waited.empty()) << r.err;
  EXPECT_TRUE(waited[0]["holder"].is_string());
  EXPECT_EQ(waited[0]["limit_ms"], 20000);
}

TRELLIS_BACKENDS(EventLogTest);

class PgEventLogTest : public EventLogTest {};

TEST_P(PgEventLogTest, ARetryAfterALockTimeoutIsAnEventWithItsAttempt) {
  project_.write_migration("core", "0001_t.sql", migration("", "CREATE TABLE t (id integer);"));
  ASSERT_EQ(project_.run({"apply"}).exit_code, 0);
  project_.write(
      "trellis.toml",
      "[defaults]\nlock_retries = 30\n\n[env.dev]\ndatabase = \"" + db_->url() + "\"\nfeatures = \"all\"\n");
  project_.write_migration("core", "0002_alter.sql",
                           "-- lock-timeout: 100ms\n-- +up\nALTER TABLE t ADD COLUMN b integer;\n");
  RunResult r;
  {
    LockHolder holder(db_->url(), "LOCK TABLE t IN ROW EXCLUSIVE MODE", milliseconds(1200));
    r = project_.run({"--log-format", "json", "apply"});
  }
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  std::vector<json> events = events_of(r.err);
  auto retries = named(events, "migration.retried");
  ASSERT_FALSE(retries.empty()) << r.err;
  EXPECT_EQ(retries[0]["id"], "core/0002_alter");
  EXPECT_EQ(retries[0]["attempt"], 2);
  EXPECT_TRUE(retries[0]["wait_ms"].is_number_integer());
  EXPECT_TRUE(retries[0]["error"].is_string());
  auto finished = named(events, "migration.finished");
  ASSERT_EQ(finished.size(), 1u) << r.err;
  EXPECT_EQ(finished[0]["attempts"], static_cast<int>(retries.size()) + 1) << r.err;
}

INSTANTIATE_TEST_SUITE_P(Backends, PgEventLogTest, ::testing::Values("postgres"), ::trellis_test::backend_name);

}  // namespace
}  // namespace trellis_test
