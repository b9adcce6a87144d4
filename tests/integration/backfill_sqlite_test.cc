// Batched backfills on SQLite, through the real binary: range and until-empty walks,
// kill -9 and resume, pause and resume, a failing batch, dependents waiting.
#include <signal.h>

#include <chrono>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "backfill_project.h"
#include "json_schema.h"

namespace trellis_test {
namespace {

using namespace std::chrono_literals;

// items(id 1..rows, n = 0) and a feature chain: 0001 table, 0002 backfill, 0003 dependent.
void write_feature(const BackfillProject& p, int rows, const std::string& batch, const std::string& body,
                   const std::string& table_extra = "") {
  p.write("migrations/data/0001_items.sql",
          "-- +up\nCREATE TABLE items (id INTEGER PRIMARY KEY, n INTEGER NOT NULL DEFAULT 0);\n"
          "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < " +
              std::to_string(rows) + ") INSERT INTO items (id) SELECT x FROM c;\n" + table_extra +
              "-- +down\nDROP TABLE items;\n");
  p.write("migrations/data/0002_fill.sql",
          "-- phase: backfill\n-- batch: " + batch + "\n\n-- +up\n" + body + "\n\n-- +down\nUPDATE items SET n = 0;\n");
  p.write("migrations/data/0003_after.sql",
          "-- +up\nCREATE INDEX ix_items_n ON items (n);\n-- +down\nDROP INDEX ix_items_n;\n");
}

bool contains(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

const char* kRangeBody = "UPDATE items SET n = n + 1 WHERE id > :lo AND id <= :hi;";

bool applied(const BackfillProject& p, const std::string& id) {
  return p.sql1("SELECT status FROM trellis_migrations WHERE id = '" + id + "'") == "applied";
}

std::int64_t batches_done(const BackfillProject& p) {
  try {
    std::string v = p.sql1("SELECT batches FROM trellis_backfills WHERE id = 'data/0002_fill'");
    return v.empty() ? 0 : std::stoll(v);
  } catch (const std::exception&) {
    return 0;  // tables not created yet
  }
}

// Every row changed exactly once: none left at 0, none at 2 or more.
void expect_each_row_once(const BackfillProject& p, int rows) {
  EXPECT_EQ(p.sql1("SELECT count(*) FROM items WHERE n = 1"), std::to_string(rows));
  EXPECT_EQ(p.sql1("SELECT count(*) FROM items WHERE n <> 1"), "0");
}

// On an 80-column terminal the progress line is redrawn in place (carriage returns, one
// line), every redraw fitting in 79 columns, and the last says "done" (issue 15).
TEST(BackfillSqlite, ProgressFitsAnEightyColumnTerminal) {
  BackfillProject p;
  p.write("migrations/data/0001_items_for_a_backfill_with_a_long_name.sql",
          "-- +up\nCREATE TABLE items (id INTEGER PRIMARY KEY, n INTEGER NOT NULL DEFAULT 0);\n"
          "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 500) "
          "INSERT INTO items (id) SELECT x FROM c;\n");
  p.write("migrations/data/0002_backfill_every_item_counter_with_a_long_name.sql",
          "-- phase: backfill\n-- batch: table=items key=id size=100 pause=30ms\n-- +up\n" + std::string(kRangeBody) + "\n");
  RunOptions options = p.options({"apply"});
  options.terminal_columns = 80;
  RunResult r = run_in_pty(options);
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  std::size_t redraws = 0;
  std::string done_line;
  std::size_t at = 0;
  while ((at = r.out.find('\r', at)) != std::string::npos) {
    std::size_t end = r.out.find_first_of("\r\n", at + 1);
    std::string drawn = r.out.substr(at + 1, end == std::string::npos ? std::string::npos : end - at - 1);
    if (auto k = drawn.find("\033[K"); k != std::string::npos) drawn.erase(k, 3);
    if (drawn.find("rows") != std::string::npos) {
      ++redraws;
      EXPECT_LE(drawn.size(), 79u) << "fits 80 columns: [" << drawn << "]";
      if (drawn.find("done") != std::string::npos) done_line = drawn;
    }
    at += 1;
  }
  EXPECT_GE(redraws, 3u) << "redrawn in place, batch by batch:\n" << r.out;
  EXPECT_NE(done_line.find("500 rows"), std::string::npos) << r.out;
}

TEST(BackfillSqlite, RangeWalkCoversEveryRowOnceThenRunsDependents) {
  BackfillProject p;
  write_feature(p, 1000, "table=items key=id size=64", kRangeBody);
  auto r = p.run({"apply"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  expect_each_row_once(p, 1000);
  // 15 full batches of 64 and one of 40; the closing transaction finds nothing above 1000.
  EXPECT_EQ(p.sql1("SELECT status, rows_done, batches, last_key FROM trellis_backfills"), "done|1000|16|1000");
  EXPECT_TRUE(applied(p, "data/0002_fill"));
  EXPECT_TRUE(applied(p, "data/0003_after"));
}

// SQLite has no notion of other sessions' queries: max_active_queries neither waits nor
// warns there (a [defaults] setting shared with PostgreSQL environments).
TEST(BackfillSqlite, MaxActiveQueriesDoesNothingOnSqlite) {
  BackfillProject p("allow_contract = true\nmax_active_queries = 1");
  write_feature(p, 200, "table=items key=id size=64", kRangeBody);
  auto r = p.run({"apply"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  expect_each_row_once(p, 200);
  EXPECT_EQ(r.out.find("max_active_queries"), std::string::npos) << r.out;
}

TEST(BackfillSqlite, RangeWalkOnTextKeys) {
  BackfillProject p;
  p.write("migrations/t/0001_words.sql",
          "-- +up\nCREATE TABLE words (w TEXT PRIMARY KEY, n INTEGER NOT NULL DEFAULT 0);\n"
          "INSERT INTO words (w) VALUES ('a'), ('b'), ('c'), ('d'), ('e'), ('f'), ('g');\n");
  p.write("migrations/t/0002_fill.sql",
          "-- phase: backfill\n-- batch: table=words key=w size=3\n-- +up\n"
          "UPDATE words SET n = n + 1 WHERE w > :lo AND w <= :hi;\n");
  auto r = p.run({"apply"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(p.sql1("SELECT count(*) FROM words WHERE n = 1"), "7");
  EXPECT_EQ(p.sql1("SELECT rows_done, batches, last_key FROM trellis_backfills"), "7|3|g");
}

TEST(BackfillSqlite, UntilEmptyRepeatsTheBodyUntilItChangesNothing) {
  BackfillProject p;
  write_feature(p, 1000, "until-empty size=300",
                "UPDATE items SET n = n + 1 WHERE id IN (SELECT id FROM items WHERE n = 0 LIMIT :size);");
  auto r = p.run({"apply"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  expect_each_row_once(p, 1000);
  EXPECT_EQ(p.sql1("SELECT mode, status, rows_done, batches FROM trellis_backfills"), "until-empty|done|1000|4");
  EXPECT_TRUE(applied(p, "data/0003_after"));
}

TEST(BackfillSqlite, EmptyTableFinishesAtOnce) {
  BackfillProject p;
  write_feature(p, 0, "table=items key=id size=10", kRangeBody);
  p.write("migrations/data/0001_items.sql",
          "-- +up\nCREATE TABLE items (id INTEGER PRIMARY KEY, n INTEGER NOT NULL DEFAULT 0);\n");
  auto r = p.run({"apply"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(p.sql1("SELECT status, rows_done, batches FROM trellis_backfills"), "done|0|0");
}

TEST(BackfillSqlite, KilledMidwayResumesWithoutRedoingOrSkippingRows) {
  BackfillProject p;
  write_feature(p, 3000, "table=items key=id size=50 pause=20ms", kRangeBody);
  for (int round = 0; round < 2; ++round) {
    std::int64_t before = batches_done(p);
    auto runner = p.start({"apply"});
    ASSERT_TRUE(eventually([&] { return batches_done(p) >= before + 5; }, 20s));
    runner->kill_now(SIGKILL);
    auto killed = runner->finish();
    EXPECT_EQ(killed.exit_code, -1);
    // What committed is consistent: the checkpoint counts exactly the rows changed.
    std::string rows_done = p.sql1("SELECT rows_done FROM trellis_backfills");
    EXPECT_EQ(p.sql1("SELECT count(*) FROM items WHERE n = 1"), rows_done);
    EXPECT_EQ(p.sql1("SELECT count(*) FROM items WHERE n > 1"), "0");
    EXPECT_EQ(std::stoll(rows_done), 50 * batches_done(p));
    EXPECT_EQ(p.sql1("SELECT status FROM trellis_migrations WHERE id = 'data/0002_fill'"), "running");
    EXPECT_FALSE(applied(p, "data/0003_after"));  // the dependent waits
  }
  auto status = p.run({"backfill", "status", "--json"});
  ASSERT_EQ(status.exit_code, 0) << status.describe();
  auto j = nlohmann::json::parse(status.out)["backfills"][0];
  EXPECT_EQ(j["state"], "interrupted");  // killed: no runner holds the lock
  EXPECT_TRUE(j["eta_seconds"].is_null());
  EXPECT_EQ(j["rows_remaining"].get<std::int64_t>(), 3000 - j["rows_done"].get<std::int64_t>());
  auto r = p.run({"apply"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_NE(r.out.find("resuming after batch"), std::string::npos) << r.out;
  expect_each_row_once(p, 3000);
  EXPECT_EQ(p.sql1("SELECT status, rows_done, batches FROM trellis_backfills"), "done|3000|60");
  EXPECT_TRUE(applied(p, "data/0003_after"));
}

TEST(BackfillSqlite, PauseStopsAtABatchBoundaryAndResumeContinues) {
  BackfillProject p;
  write_feature(p, 2000, "table=items key=id size=50 pause=30ms", kRangeBody);
  auto runner = p.start({"apply"});
  ASSERT_TRUE(eventually([&] { return batches_done(p) >= 3; }, 20s));
  auto pause = p.run({"backfill", "pause", "data/0002_fill"});
  ASSERT_EQ(pause.exit_code, 0) << pause.describe();
  EXPECT_NE(pause.out.find("pause requested: data/0002_fill stops after its current batch"), std::string::npos);
  auto stopped = runner->finish();
  EXPECT_EQ(stopped.exit_code, 1) << stopped.describe();
  EXPECT_NE(stopped.out.find("backfill paused after"), std::string::npos) << stopped.out;
  std::string at_pause = p.sql1("SELECT status, rows_done FROM trellis_backfills");
  ASSERT_EQ(at_pause.substr(0, 7), "paused|");
  EXPECT_LT(std::stoll(at_pause.substr(7)), 2000);
  EXPECT_EQ(p.sql1("SELECT count(*) FROM items WHERE n = 1"), at_pause.substr(7));

  // apply leaves a paused backfill alone (and its dependent waits).
  auto apply = p.run({"apply"});
  EXPECT_EQ(apply.exit_code, 1) << apply.describe();
  EXPECT_EQ(p.sql1("SELECT status, rows_done FROM trellis_backfills"), at_pause);
  EXPECT_FALSE(applied(p, "data/0003_after"));

  auto resume = p.run({"backfill", "resume", "data/0002_fill"});
  ASSERT_EQ(resume.exit_code, 0) << resume.describe();
  expect_each_row_once(p, 2000);
  EXPECT_TRUE(applied(p, "data/0002_fill"));
  EXPECT_FALSE(applied(p, "data/0003_after"));  // resume runs up to the backfill only
  ASSERT_EQ(p.run({"apply"}).exit_code, 0);
  EXPECT_TRUE(applied(p, "data/0003_after"));
}

void expect_conforms(const std::string& schema, const nlohmann::json& doc) {
  static JsonSchemas schemas(std::string(TRELLIS_SOURCE_DIR) + "/docs/schemas");
  for (const auto& problem : schemas.validate(schema, doc)) ADD_FAILURE() << schema << ": " << problem << "\n" << doc.dump(2);
}

// The state of one backfill as every view tells it (status, plan, apply, backfill status;
// text and JSON). `state` is the backfill's ("running", "paused", "interrupted").
void expect_every_view_says(const BackfillProject& p, const std::string& state) {
  SCOPED_TRACE("expected " + state);
  auto backfill = p.run({"backfill", "status", "--json"});
  ASSERT_EQ(backfill.exit_code, 0) << backfill.describe();
  expect_conforms("backfill-status.json", parse_json(backfill));
  auto b = parse_json(backfill)["backfills"][0];
  EXPECT_EQ(b["state"], state) << backfill.out;
  if (state != "running") {
    EXPECT_TRUE(b["eta_seconds"].is_null()) << backfill.out;
  }
  auto text = p.run({"backfill", "status"});
  EXPECT_TRUE(contains(text.out, "data/0002_fill  " + state)) << text.out;
  auto status = p.run({"status", "--json"});
  auto doc = parse_json(status);
  expect_conforms("status.json", doc);
  EXPECT_EQ(states_of(doc)["data/0002_fill"], state) << status.out;
  EXPECT_EQ(doc["features"][0][state].get<int>(), 1) << status.out;
  for (const char* other : {"running", "paused", "interrupted"}) {
    if (other != state) {
      EXPECT_EQ(doc["features"][0][other].get<int>(), 0) << other << "\n" << status.out;
    }
  }
  auto status_text = p.run({"status"});
  EXPECT_TRUE(contains(status_text.out, "backfill " + state)) << status_text.out;
  EXPECT_FALSE(contains(status_text.out, "statement")) << status_text.out;
  auto plan = p.run({"plan", "--json"});
  expect_conforms("plan.json", parse_json(plan));
  auto warning = find_id(parse_json(plan)["warnings"], "data/0002_fill");
  EXPECT_EQ(warning["kind"], state) << plan.out;
  EXPECT_TRUE(contains(warning["message"].get<std::string>(), "data/0002_fill: backfill " + state)) << plan.out;
  auto plan_text = p.run({"plan"});
  EXPECT_FALSE(contains(plan_text.out + plan_text.err, "non-transactional")) << plan_text.out;
  std::string note = state == "paused"        ? "paused: apply leaves it"
                     : state == "interrupted" ? "interrupted: apply resumes it"
                                              : "running now";
  EXPECT_TRUE(contains(plan_text.out, note)) << plan_text.out;
}

// Issue 15: one state machine for a backfill, the same word in every view, running only
// while a runner holds the lock; the rate over wall time, pauses included; no ETA paused.
TEST(BackfillSqlite, EveryViewAgreesOnRunningPausedAndInterrupted) {
  BackfillProject p;
  write_feature(p, 3000, "table=items key=id size=50 pause=40ms", kRangeBody);
  auto started = std::chrono::steady_clock::now();
  auto runner = p.start({"apply"});
  ASSERT_TRUE(eventually([&] { return batches_done(p) >= 3; }, 20s));
  expect_every_view_says(p, "running");
  ASSERT_EQ(p.run({"backfill", "pause", "data/0002_fill"}).exit_code, 0);
  auto stopped = runner->finish();
  EXPECT_EQ(stopped.exit_code, 1) << stopped.describe();
  EXPECT_TRUE(contains(stopped.out, "backfill paused after")) << stopped.out;
  expect_every_view_says(p, "paused");
  auto apply = p.run({"apply"});
  EXPECT_EQ(apply.exit_code, 1);
  EXPECT_TRUE(contains(apply.out, "paused")) << apply.out;

  // Rows per second over the wall time since the first batch: the pause counts.
  std::this_thread::sleep_for(1500ms);
  auto b = parse_json(p.run({"backfill", "status", "--json"}))["backfills"][0];
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  auto rows = static_cast<double>(b["rows_done"].get<std::int64_t>());
  double rate = b["rows_per_second"].get<double>();
  EXPECT_LE(rate, rows / 1.5) << b.dump();
  EXPECT_GE(rate, rows / elapsed * 0.9) << b.dump();

  // Ctrl-C (SIGINT) while it runs again: interrupted, not running.
  std::int64_t before = batches_done(p);
  auto resumed = p.start({"backfill", "resume", "data/0002_fill"});
  ASSERT_TRUE(eventually([&] { return batches_done(p) >= before + 3; }, 20s));
  resumed->kill_now(SIGINT);
  resumed->finish();
  expect_every_view_says(p, "interrupted");
  auto check = p.run({"check", "--no-drift"});
  EXPECT_TRUE(contains(check.out + check.err, "data/0002_fill: backfill interrupted after")) << check.describe();

  ASSERT_EQ(p.run({"apply"}).exit_code, 0);
  expect_each_row_once(p, 3000);
  auto done = parse_json(p.run({"backfill", "status", "--json"}))["backfills"][0];
  EXPECT_EQ(done["state"], "done");
  EXPECT_EQ(states_of(parse_json(p.run({"status", "--json"})))["data/0002_fill"], "applied");
}

TEST(BackfillSqlite, FailingBatchKeepsTheCheckpointAndBlocksDependents) {
  BackfillProject p;
  write_feature(p, 1000, "table=items key=id size=100", kRangeBody,
                "CREATE TRIGGER bad_row BEFORE UPDATE ON items WHEN NEW.id = 555 "
                "BEGIN SELECT RAISE(ABORT, 'row 555 is bad'); END;\n");
  auto r = p.run({"apply"});
  EXPECT_EQ(r.exit_code, 1) << r.describe();
  EXPECT_NE(r.err.find("trellis: error: migrations/data/0002_fill.sql:5: data/0002_fill failed at statement 1: "
                       "row 555 is bad"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(p.sql1("SELECT status, rows_done, batches, last_key FROM trellis_backfills"), "failed|500|5|500");
  EXPECT_EQ(p.sql1("SELECT error FROM trellis_backfills"), "statement 1 (line 5): row 555 is bad");
  EXPECT_EQ(p.sql1("SELECT count(*) FROM items WHERE n = 1"), "500");
  EXPECT_EQ(p.sql1("SELECT status FROM trellis_migrations WHERE id = 'data/0002_fill'"), "failed");
  EXPECT_FALSE(applied(p, "data/0003_after"));
  auto status = p.run({"backfill", "status"});
  EXPECT_NE(status.out.find("error: data/0002_fill: statement 1 (line 5): row 555 is bad"), std::string::npos)
      << status.out;

  p.exec("DROP TRIGGER bad_row");
  r = p.run({"apply"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  expect_each_row_once(p, 1000);
  EXPECT_EQ(p.sql1("SELECT status, rows_done, batches FROM trellis_backfills"), "done|1000|10");
  EXPECT_TRUE(applied(p, "data/0003_after"));
}

TEST(BackfillSqlite, EditedFileWhileUnfinishedIsRefused) {
  BackfillProject p;
  write_feature(p, 300, "table=items key=id size=100", kRangeBody,
                "CREATE TRIGGER bad_row BEFORE UPDATE ON items WHEN NEW.id = 150 "
                "BEGIN SELECT RAISE(ABORT, 'no'); END;\n");
  ASSERT_EQ(p.run({"apply"}).exit_code, 1);
  p.write("migrations/data/0002_fill.sql", "-- phase: backfill\n-- batch: table=items key=id size=100\n\n-- +up\n"
                                           "UPDATE items SET n = 7 WHERE id > :lo AND id <= :hi;\n");
  auto r = p.run({"apply"});
  EXPECT_EQ(r.exit_code, 1);
  // stderr has the error on one line (the summary table on stdout wraps it in its column).
  EXPECT_NE(r.err.find("backfill data/0002_fill ran 1 batch(es) with checksum"), std::string::npos) << r.describe();
  EXPECT_EQ(p.sql1("SELECT rows_done, last_key FROM trellis_backfills"), "100|100");
}

TEST(BackfillSqlite, UnknownParameterInTheBodyIsAClearError) {
  BackfillProject p;
  write_feature(p, 10, "table=items key=id size=5", "UPDATE items SET n = 1 WHERE id > :lo AND id <= :high;");
  auto r = p.run({"apply"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("unknown parameter :high (a backfill body may use :lo, :hi and :size)"), std::string::npos)
      << r.describe();
}

TEST(BackfillSqlite, ProgressInAPipeIsOneLinePerInterval) {
  BackfillProject p;
  write_feature(p, 500, "table=items key=id size=100", kRangeBody);
  auto r = p.run({"apply"}, {{"TRELLIS_PROGRESS_INTERVAL", "0"}});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(r.out.find('\r'), std::string::npos);  // no carriage returns outside a terminal
  EXPECT_NE(r.out.find("  data/0002_fill  [#########...............]  40% 200 rows  2 batches"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("500 rows  5 batches"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("done"), std::string::npos);
}

TEST(BackfillSqlite, StatusBeforeAnyRunAndUsageErrors) {
  BackfillProject p;
  write_feature(p, 10, "table=items key=id size=5", kRangeBody);
  auto r = p.run({"backfill", "status"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_NE(r.out.find("data/0002_fill  pending"), std::string::npos) << r.out;
  r = p.run({"backfill", "pause", "data/0003"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("data/0003_after is not a batched backfill (it has no '-- batch:' directive)"),
            std::string::npos) << r.err;
  r = p.run({"backfill", "pause", "data/0002"});
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_NE(r.err.find("data/0002_fill has not started: there is nothing to pause"), std::string::npos) << r.err;
}

}  // namespace

namespace {

// `backfill resume` runs a plan like apply does, so it refuses in the same cases.
TEST(BackfillSqlite, ResumeRefusesAnEditedAppliedMigration) {
  BackfillProject p;
  write_feature(p, 100, "table=items key=id size=10", kRangeBody);
  ASSERT_EQ(p.run({"apply", "--to", "data/0001"}).exit_code, 0);
  p.write("migrations/data/0001_items.sql",
          "-- edited after it was applied\n-- +up\nCREATE TABLE items (id INTEGER PRIMARY KEY, n INTEGER);\n");
  auto r = p.run({"backfill", "resume", "data/0002_fill"});
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_NE(r.err.find("data/0001_items was applied with checksum"), std::string::npos) << r.err;
  EXPECT_FALSE(applied(p, "data/0002_fill"));
  EXPECT_EQ(p.sql1("SELECT count(*) FROM items WHERE n > 0"), "0");
}

}  // namespace
}  // namespace trellis_test
