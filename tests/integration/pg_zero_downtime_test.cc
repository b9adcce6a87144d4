// Zero-downtime workflow on the test run's PostgreSQL server: batched backfills killed and
// resumed, paused and resumed; every scaffolded pattern applied to a table with data while
// a concurrent writer inserts rows. Skips when the server cannot start.
#include <signal.h>

#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include "backfill_project.h"

namespace trellis_test {
namespace {

using namespace std::chrono_literals;

struct PgProject {
  PgServer* server;
  std::string url;
  BackfillProject p;
  explicit PgProject(PgServer* s, const std::string& settings = "allow_contract = false")
      : server(s), url(s->create_database()), p(settings) {}
  RunResult run(std::vector<std::string> args) const {
    args.insert(args.begin(), {"--database", url});
    return p.run(args);
  }
  std::unique_ptr<Child> start(std::vector<std::string> args) const {
    args.insert(args.begin(), {"--database", url});
    return p.start(args);
  }
  std::string q1(const std::string& sql) const {
    auto rows = server->query(url, sql);
    return rows.empty() ? "" : rows.front();
  }
  // backfill status, status and plan (JSON) agree on the backfill's state (issue 15).
  void expect_state(const std::string& state) const {
    SCOPED_TRACE("expected " + state);
    auto backfill = run({"backfill", "status", "--json"});
    auto b = parse_json(backfill)["backfills"][0];
    EXPECT_EQ(b["state"], state) << backfill.describe();
    if (state != "running") {
    EXPECT_TRUE(b["eta_seconds"].is_null()) << backfill.out;
  }
    auto status = run({"status", "--json"});
    EXPECT_EQ(states_of(parse_json(status))["data/0002_fill"], state) << status.describe();
    auto plan = run({"plan", "--json"});
    EXPECT_EQ(find_id(parse_json(plan)["warnings"], "data/0002_fill")["kind"], state) << plan.describe();
  }
  std::int64_t batches() const {
    try {
      std::string v = q1("SELECT batches FROM trellis.backfills WHERE id = 'data/0002_fill'");
      return v.empty() ? 0 : std::stoll(v);
    } catch (const std::exception&) {
      return 0;
    }
  }
};

void write_backfill(const BackfillProject& p, int rows) {
  p.write("migrations/data/0001_items.sql",
          "-- +up\nCREATE TABLE items (id bigint PRIMARY KEY, n integer NOT NULL DEFAULT 0);\n"
          "INSERT INTO items (id) SELECT g FROM generate_series(1, " + std::to_string(rows) + ") g;\n");
  p.write("migrations/data/0002_fill.sql",
          "-- phase: backfill\n-- batch: table=items key=id size=100 pause=20ms\n-- +up\n"
          "UPDATE items SET n = n + 1 WHERE id > :lo AND id <= :hi;\n");
  p.write("migrations/data/0003_after.sql", "-- +up\nCREATE TABLE after_fill (id bigint);\n");
}

TEST(PgBackfill, KilledMidwayResumesWithoutRedoingOrSkippingRows) {
  TRELLIS_REQUIRE_PG_OR_SKIP(server);
  PgProject pg(server);
  write_backfill(pg.p, 5000);
  auto runner = pg.start({"apply"});
  if (!eventually([&] { return pg.batches() >= 5; }, 30s)) {
    runner->kill_now(SIGKILL);
    FAIL() << "no batches committed:\n" << runner->finish().describe();
  }
  runner->kill_now(SIGKILL);
  runner->finish();
  std::string done = pg.q1("SELECT rows_done FROM trellis.backfills");
  EXPECT_EQ(pg.q1("SELECT count(*) FROM items WHERE n = 1"), done);
  EXPECT_EQ(pg.q1("SELECT count(*) FROM items WHERE n > 1"), "0");
  EXPECT_EQ(pg.q1("SELECT to_regclass('after_fill') IS NULL"), "t");
  auto r = pg.run({"apply"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(pg.q1("SELECT count(*) FROM items WHERE n = 1"), "5000");
  EXPECT_EQ(pg.q1("SELECT status || '|' || rows_done || '|' || batches FROM trellis.backfills"), "done|5000|50");
  EXPECT_EQ(pg.q1("SELECT to_regclass('after_fill') IS NOT NULL"), "t");
}

TEST(PgBackfill, PauseAndResume) {
  TRELLIS_REQUIRE_PG_OR_SKIP(server);
  PgProject pg(server);
  write_backfill(pg.p, 5000);
  auto runner = pg.start({"apply"});
  if (!eventually([&] { return pg.batches() >= 3; }, 30s)) {
    runner->kill_now(SIGKILL);
    FAIL() << "no batches committed:\n" << runner->finish().describe();
  }
  pg.expect_state("running");  // the runner holds the advisory lock
  ASSERT_EQ(pg.run({"backfill", "pause", "data/0002_fill"}).exit_code, 0);
  EXPECT_EQ(runner->finish().exit_code, 1);
  EXPECT_EQ(pg.q1("SELECT status FROM trellis.backfills"), "paused");
  pg.expect_state("paused");
  // Ctrl-C while it runs again: interrupted, not running.
  std::int64_t before = pg.batches();
  auto resumed = pg.start({"backfill", "resume", "data/0002_fill"});
  ASSERT_TRUE(eventually([&] { return pg.batches() >= before + 3; }, 30s)) << resumed->finish().describe();
  resumed->kill_now(SIGINT);
  resumed->finish();
  pg.expect_state("interrupted");
  auto r = pg.run({"backfill", "resume", "data/0002_fill"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(pg.q1("SELECT count(*) FROM items WHERE n = 1"), "5000");
}

// max_active_queries: between batches the backfill waits while more queries of other
// sessions than that are active on the database, and resumes once they end.
TEST(PgBackfill, WaitsWhileTheDatabaseIsBusierThanMaxActiveQueries) {
  TRELLIS_REQUIRE_PG_OR_SKIP(server);
  PgProject pg(server, "allow_contract = false\nmax_active_queries = 2");
  write_backfill(pg.p, 500);
  pg.p.write("migrations/data/0002_fill.sql",
             "-- phase: backfill\n-- batch: table=items key=id size=100\n-- +up\n"
             "UPDATE items SET n = n + 1 WHERE id > :lo AND id <= :hi;\n");
  ASSERT_EQ(pg.run({"apply", "--to", "data/0001_items"}).exit_code, 0);
  std::vector<std::thread> busy;  // three other sessions, each running a query for 2 s
  for (int i = 0; i < 3; ++i) busy.emplace_back([&] { server->query(pg.url, "SELECT pg_sleep(2)"); });
  ASSERT_TRUE(eventually([&] {
    return pg.q1("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE "
                 "'SELECT pg_sleep%' AND state = 'active'") == "3";
  }, 10s));
  auto started = std::chrono::steady_clock::now();
  RunResult r = pg.run({"apply"});
  auto took = std::chrono::steady_clock::now() - started;
  for (auto& t : busy) t.join();
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_NE(r.out.find("throttled: 3 active queries on the database (max_active_queries 2)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("load dropped after"), std::string::npos) << r.out;
  EXPECT_GE(took, 1s) << "it waited for the queries to end";
  EXPECT_EQ(pg.q1("SELECT count(*) FROM items WHERE n = 1"), "500");

  // Off (the default): the same load does not hold it back.
  PgProject off(server);
  write_backfill(off.p, 500);
  std::thread other([&] { server->query(off.url, "SELECT pg_sleep(2)"); });
  RunResult free_run = off.run({"apply"});
  other.join();
  ASSERT_EQ(free_run.exit_code, 0) << free_run.describe();
  EXPECT_EQ(free_run.out.find("throttled"), std::string::npos) << free_run.out;
}

TEST(PgBackfill, RowsInsertedAtTheTailAfterTheWalkStartsAreLeftToTheExpandStep) {
  TRELLIS_REQUIRE_PG_OR_SKIP(server);
  PgProject pg(server);
  write_backfill(pg.p, 5000);
  auto runner = pg.start({"apply"});
  if (!eventually([&] { return pg.batches() >= 3; }, 30s)) {
    runner->kill_now(SIGKILL);
    FAIL() << "no batches committed:\n" << runner->finish().describe();
  }
  // The walk ends at the highest key of its start: inserts above it (which a steady stream
  // of them would otherwise make endless) keep what the expand step gives them.
  server->query(pg.url, "INSERT INTO items (id) SELECT g FROM generate_series(100001, 100500) g");
  auto r = runner->finish();
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(pg.q1("SELECT status || '|' || rows_done || '|' || batches FROM trellis.backfills"), "done|5000|50");
  EXPECT_EQ(pg.q1("SELECT count(*) FROM items WHERE id <= 5000 AND n = 1"), "5000");
  EXPECT_EQ(pg.q1("SELECT count(*) FROM items WHERE id > 5000 AND n = 0"), "500");
}

// A writer that inserts one row at a time until stopped; counts rows and errors.
class Writer {
 public:
  Writer(PgServer* s, std::string url, std::string insert)
      : thread_([this, s, url, insert] {
          for (int i = 0; !stop_; ++i) {
            try {
              s->query(url, insert);
              ++rows_;
            } catch (const std::exception& e) {
              ++errors_;
              last_error_ = e.what();
            }
          }
        }) {}
  ~Writer() { stop(); }
  void stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  int rows() const { return rows_; }
  int errors() const { return errors_; }
  const std::string& last_error() const { return last_error_; }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<int> rows_{0}, errors_{0};
  std::string last_error_;
  std::thread thread_;
};

// Runs trellis ARGS while `writer` writes, then stops the writer: the run succeeds, the
// writer wrote rows while it ran, and none of its statements failed.
void apply_under(const PgProject& pg, Writer& writer, const std::vector<std::string>& args) {
  ASSERT_TRUE(eventually([&] { return writer.rows() + writer.errors() > 0; }, 10s));
  int before = writer.rows();
  auto r = pg.run(args);
  int during = writer.rows() - before;
  writer.stop();
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(writer.errors(), 0) << writer.last_error();
  EXPECT_GT(during, 0) << "the writer wrote nothing while trellis ran";
}

// customers (100 rows) and orders (20,000 rows; amount = id, code = 'c' || id), new
// orders numbered from 100001 by orders_id_seq.
void write_orders(const BackfillProject& p) {
  p.write("migrations/shop/0001_tables.sql",
          "-- +up\nCREATE TABLE customers (id bigint PRIMARY KEY);\n"
          "INSERT INTO customers SELECT g FROM generate_series(1, 100) g;\n"
          "CREATE SEQUENCE orders_id_seq START 100001;\n"
          "CREATE TABLE orders (id bigint PRIMARY KEY DEFAULT nextval('orders_id_seq'), customer_id bigint, "
          "code text, amount integer, legacy text);\n"
          "INSERT INTO orders (id, customer_id, code, amount, legacy) "
          "SELECT g, g % 100 + 1, 'c' || g, g, 'l' || g FROM generate_series(1, 20000) g;\n");
}

TEST(PgPatterns, EverySequenceUnderAConcurrentWriter) {
  TRELLIS_REQUIRE_PG_OR_SKIP(server);
  PgProject pg(server);
  write_orders(pg.p);
  ASSERT_EQ(pg.run({"apply"}).exit_code, 0);
  std::vector<std::vector<std::string>> patterns = {
      {"--pattern", "add-not-null-column", "--table", "orders", "--column", "status", "--type", "text",
       "--default", "'new'", "--batch-size", "1000"},
      {"--pattern", "add-index", "--table", "orders", "--column", "status"},
      {"--pattern", "add-foreign-key", "--table", "orders", "--column", "customer_id", "--ref-table", "customers"},
      {"--pattern", "add-unique-constraint", "--table", "orders", "--column", "code"},
      {"--pattern", "rename-column", "--table", "orders", "--column", "amount", "--new-name", "total", "--type",
       "integer", "--batch-size", "1000"}};
  // One feature per change, each requiring the tables: a held contract step of one change
  // does not hold back the expand steps of the next.
  int i = 0;
  for (auto args : patterns) {
    args.insert(args.begin(), {"new", "change" + std::to_string(++i), "change", "--requires", "shop/0001"});
    auto r = pg.p.run(args);
    ASSERT_EQ(r.exit_code, 0) << r.describe();
  }
  {
    // Code built for the old schema keeps writing during expand and backfill.
    Writer old_code(server, pg.url,
                    "INSERT INTO orders (customer_id, code, amount) "
                    "SELECT 7, 'w' || nextval('orders_id_seq'), 5");
    auto r = pg.run({"apply"});
    old_code.stop();
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(old_code.errors(), 0) << old_code.last_error();
    EXPECT_GT(old_code.rows(), 0);
    EXPECT_EQ(pg.q1("SELECT count(*) FROM orders WHERE code LIKE 'w%' AND (status IS DISTINCT FROM 'new' "
                    "OR total IS DISTINCT FROM 5)"), "0");
  }
  {
    // New code writes the new column; the contract steps run under it.
    Writer new_code(server, pg.url,
                    "INSERT INTO orders (customer_id, code, total) "
                    "SELECT 8, 'n' || nextval('orders_id_seq'), 6");
    auto r = pg.run({"apply", "--contract"});
    new_code.stop();
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(new_code.errors(), 0) << new_code.last_error();
  }
  EXPECT_EQ(pg.q1("SELECT count(*) FROM orders WHERE status IS DISTINCT FROM 'new'"), "0");
  EXPECT_EQ(pg.q1("SELECT is_nullable FROM information_schema.columns WHERE table_name = 'orders' "
                  "AND column_name = 'status'"), "NO");
  EXPECT_EQ(pg.q1("SELECT count(*) FROM information_schema.columns WHERE table_name = 'orders' "
                  "AND column_name = 'amount'"), "0");
  EXPECT_EQ(pg.q1("SELECT count(*) FROM orders WHERE total IS NULL"), "0");
  EXPECT_EQ(pg.q1("SELECT count(*) FROM orders WHERE code LIKE 'w%' AND total IS DISTINCT FROM 5"), "0");
  EXPECT_EQ(pg.q1("SELECT count(*) FROM pg_constraint WHERE conname IN ('fk_orders_customer_id', "
                  "'orders_code_key') AND convalidated"), "2");
  EXPECT_EQ(pg.q1("SELECT indisvalid FROM pg_index WHERE indexrelid = 'ix_orders_status'::regclass"), "t");
}

TEST(PgPatterns, ChangeColumnTypeUnderAConcurrentWriter) {
  TRELLIS_REQUIRE_PG_OR_SKIP(server);
  PgProject pg(server);
  write_orders(pg.p);
  ASSERT_EQ(pg.run({"apply"}).exit_code, 0);
  auto r = pg.p.run({"new", "amount_type", "change", "--requires", "shop/0001", "--pattern", "change-column-type",
                     "--table", "orders", "--column", "amount", "--type", "bigint", "--batch-size", "1000"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  {
    // Old code inserts rows and changes `amount` of existing ones while the new column is
    // added and backfilled; the trigger and the backfill keep amount_new equal to it.
    Writer old_code(server, pg.url,
                    "INSERT INTO orders (customer_id, code, amount) SELECT 7, 'w' || nextval('orders_id_seq'), 5;"
                    "UPDATE orders SET amount = amount + 1000000 WHERE id = 1 + floor(random() * 20000)::bigint");
    ASSERT_NO_FATAL_FAILURE(apply_under(pg, old_code, {"apply"}));
    EXPECT_EQ(pg.q1("SELECT count(*) FROM orders WHERE code LIKE 'w%' AND amount_new = 5"),
              std::to_string(old_code.rows()));
  }
  EXPECT_EQ(pg.q1("SELECT data_type FROM information_schema.columns WHERE table_name = 'orders' "
                  "AND column_name = 'amount'"), "integer");  // the contract step waits for --contract
  EXPECT_EQ(pg.q1("SELECT count(*) FROM orders WHERE amount_new IS DISTINCT FROM amount"), "0");
  EXPECT_NE(pg.q1("SELECT count(*) FROM orders WHERE id <= 20000 AND amount > 1000000"), "0");
  {
    // New code writes only amount_new; the old column and the trigger go under it.
    Writer new_code(server, pg.url,
                    "INSERT INTO orders (customer_id, code, amount_new) SELECT 8, 'n' || nextval('orders_id_seq'), 6");
    ASSERT_NO_FATAL_FAILURE(apply_under(pg, new_code, {"apply", "--contract"}));
    EXPECT_EQ(pg.q1("SELECT count(*) FROM orders WHERE code LIKE 'n%' AND amount_new = 6"),
              std::to_string(new_code.rows()));
  }
  EXPECT_EQ(pg.q1("SELECT string_agg(column_name || ' ' || data_type, ', ' ORDER BY ordinal_position) "
                  "FROM information_schema.columns WHERE table_name = 'orders'"),
            "id bigint, customer_id bigint, code text, legacy text, amount_new bigint");
  EXPECT_EQ(pg.q1("SELECT count(*) FROM orders WHERE amount_new IS NULL"), "0");
  EXPECT_EQ(pg.q1("SELECT count(*) FROM orders WHERE id <= 20000 AND amount_new % 1000000 <> id"), "0");
  EXPECT_EQ(pg.q1("SELECT count(*) FROM orders WHERE code LIKE 'w%' AND amount_new <> 5"), "0");
  EXPECT_EQ(pg.q1("SELECT count(*) FROM pg_trigger WHERE tgrelid = 'orders'::regclass AND NOT tgisinternal"), "0");
  EXPECT_EQ(pg.q1("SELECT count(*) FROM pg_proc WHERE proname LIKE 'orders_sync_%'"), "0");
}

TEST(PgPatterns, DropColumnUnderAConcurrentWriter) {
  TRELLIS_REQUIRE_PG_OR_SKIP(server);
  PgProject pg(server);
  write_orders(pg.p);
  ASSERT_EQ(pg.run({"apply"}).exit_code, 0);
  auto r = pg.p.run({"new", "legacy_gone", "drop", "--requires", "shop/0001", "--pattern", "drop-column", "--table",
                     "orders", "--column", "legacy"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  r = pg.run({"apply"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(pg.q1("SELECT count(*) FROM information_schema.columns WHERE table_name = 'orders' "
                  "AND column_name = 'legacy'"), "1");  // a contract step: held back without --contract
  {
    // Code that no longer knows `legacy` reads and writes while it is dropped.
    Writer new_code(server, pg.url,
                    "INSERT INTO orders (customer_id, code, amount) SELECT 8, 'n' || nextval('orders_id_seq'), 6;"
                    "SELECT id, customer_id, code, amount FROM orders WHERE id = 1 + floor(random() * 20000)::bigint");
    ASSERT_NO_FATAL_FAILURE(apply_under(pg, new_code, {"apply", "--contract"}));
    EXPECT_EQ(pg.q1("SELECT count(*) FROM orders WHERE code LIKE 'n%' AND customer_id = 8 AND amount = 6"),
              std::to_string(new_code.rows()));
  }
  EXPECT_EQ(pg.q1("SELECT string_agg(column_name, ', ' ORDER BY ordinal_position) "
                  "FROM information_schema.columns WHERE table_name = 'orders'"),
            "id, customer_id, code, amount");
  EXPECT_EQ(pg.q1("SELECT count(*) FROM orders WHERE id <= 20000 AND code = 'c' || id AND amount = id "
                  "AND customer_id = id % 100 + 1"), "20000");
  EXPECT_EQ(pg.q1("SELECT status FROM trellis.migrations WHERE id LIKE 'legacy_gone/%'"), "applied");
}

}  // namespace
}  // namespace trellis_test
