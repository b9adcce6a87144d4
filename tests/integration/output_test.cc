// output_test.cc — what apply shows a person and leaves in a log: complete lines when
// killed, tables sized to their content within 100 columns, the running migration on a
// terminal, and a lost connection that still ends with a summary.
#include <signal.h>

#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "db/drivers.h"
#include "harness.h"

namespace trellis_test {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
  }
  return lines;
}

// The first line holding `needle`, or "".
std::string line_with(const std::string& text, const std::string& needle) {
  for (const auto& line : lines_of(text)) {
    if (line.find(needle) != std::string::npos) return line;
  }
  return "";
}

class OutputTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    project_.write_simple_config(db_->url());
  }
};

TEST_P(OutputTest, KilledRunLeavesTheLineOfEachFinishedMigrationInItsLog) {
  project_.write_migration("core", "0001_init.sql", migration("", "CREATE TABLE core_users (id integer);"));
  project_.write_migration("core", "0002_slow.sql",
                           migration("", "CREATE TABLE half_done (id integer);\n" + slow_statement(GetParam(), 3)));
  Child runner(project_.options({"apply"}));
  ASSERT_TRUE(wait_for_slow_statement(runner, *db_)) << runner.finish(milliseconds(1000)).describe();
  ASSERT_EQ(db_->applied_ids(), std::vector<std::string>{"core/0001_init"});
  runner.kill_now(SIGKILL);
  RunResult killed = runner.finish(milliseconds(10000));
  ASSERT_EQ(killed.signal, SIGKILL) << killed.describe();
  std::string done = line_with(killed.out, "core/0001_init");
  EXPECT_NE(done.find("ok"), std::string::npos) << "the log of a killed run lacks its finished migration:\n"
                                               << killed.describe();
  EXPECT_NE(killed.out.find("Applying 2 migration(s)"), std::string::npos) << killed.describe();
}

TEST_P(OutputTest, TablesFitLongIdsAndLongErrorsWithinOneHundredColumns) {
  const std::string long_ok = "core/0001_create_the_customer_accounts_table_with_defaults";
  const std::string long_bad = "reports/0001_check_that_amounts_stay_positive_always";
  project_.write_migration("core", "0001_create_the_customer_accounts_table_with_defaults.sql",
                           migration("", "CREATE TABLE accounts (id integer);"));
  project_.write_migration(
      "reports", "0001_check_that_amounts_stay_positive_always.sql",
      migration("", "CREATE TABLE amounts (x integer CHECK (x > 0 AND x < 1000 AND x <> 5 AND x <> 6 AND "
                    "x <> 7 AND x <> 8 AND x <> 9 AND x <> 10 AND x <> 11));\n"
                    "INSERT INTO amounts VALUES (-1);"));
  project_.write_migration("reports", "0002_after.sql", migration("", "CREATE TABLE after_amounts (id integer);"));
  RunResult apply = project_.run({"apply"});
  ASSERT_EQ(apply.exit_code, 1) << apply.describe();

  // The progress line of a long id keeps a gap before its duration.
  std::string ok = line_with(apply.out, long_ok);
  ASSERT_FALSE(ok.empty()) << apply.describe();
  std::size_t after = ok.find(long_ok) + long_ok.size();
  ASSERT_LT(after, ok.size()) << ok;
  EXPECT_EQ(ok[after], ' ') << "the id runs into the next column: " << ok;

  // Summary table: columns start where the header's do; nothing wider than 100 columns.
  auto lines = lines_of(apply.out);
  std::size_t header = lines.size();
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].find("migration") != std::string::npos && lines[i].find("why") != std::string::npos) header = i;
  }
  ASSERT_LT(header, lines.size()) << apply.describe();
  std::size_t result_col = lines[header].find("result"), why_col = lines[header].find("why");
  std::string bad_row = line_with(apply.out, "  " + long_bad + " ");
  ASSERT_FALSE(bad_row.empty()) << apply.describe();
  EXPECT_EQ(bad_row.find("failed"), result_col) << apply.out;
  std::string blocked_row = line_with(apply.out, "  reports/0002_after ");
  EXPECT_EQ(blocked_row.find("blocked"), result_col) << apply.out;
  EXPECT_EQ(blocked_row.find("depends on"), why_col) << apply.out;
  // Ids and URLs are not broken: only a line holding a long id or the database may be wider.
  auto fits = [&](const std::string& line) {
    return line.size() <= 100 || line.find(db_->url()) != std::string::npos ||
           line.find(long_bad) != std::string::npos || line.find(long_ok) != std::string::npos;
  };
  for (const auto& line : lines) EXPECT_TRUE(fits(line)) << "too wide:\n" << apply.out;
  // Continuation lines of a wrapped or multi-line cell stay inside their column.
  std::size_t row = 0;
  for (std::size_t i = header + 1; i < lines.size(); ++i) {
    if (lines[i].find(long_bad) != std::string::npos) row = i;
  }
  ASSERT_GT(row, header);
  ASSERT_LT(row + 1, lines.size());
  EXPECT_GE(lines[row + 1].find_first_not_of(' '), why_col) << apply.out;
  if (GetParam() == "postgres") {
    std::string detail = line_with(apply.out, "DETAIL:");
    ASSERT_FALSE(detail.empty()) << apply.describe();
    EXPECT_GE(detail.find("DETAIL:"), why_col) << apply.out;
  }

  RunResult status = project_.run({"status"});
  for (const auto& line : lines_of(status.out)) EXPECT_TRUE(fits(line)) << "too wide:\n" << status.out;
  if (GetParam() == "postgres") {
    std::string detail = line_with(status.out, "DETAIL:");
    ASSERT_FALSE(detail.empty()) << status.out;
    EXPECT_GE(detail.find("DETAIL:"), line_with(status.out, "  migration ").find("detail")) << status.out;
  }
}

TEST_P(OutputTest, TerminalShowsTheRunningMigrationWithItsElapsedTime) {
  project_.write_migration("core", "0001_slow.sql", migration("", slow_statement(GetParam(), 1.5)));
  RunOptions tty = project_.options({"apply"});
  tty.env["NO_COLOR"] = "1";
  RunResult terminal = run_in_pty(tty);
  ASSERT_EQ(terminal.exit_code, 0) << terminal.out;
  std::regex live("running +core/0001_slow +([0-9]+\\.[0-9]) s");
  std::set<std::string> elapsed;
  for (auto it = std::sregex_iterator(terminal.out.begin(), terminal.out.end(), live); it != std::sregex_iterator();
       ++it) {
    elapsed.insert((*it)[1]);
  }
  EXPECT_GE(elapsed.size(), 3u) << "no live line redrawn while the migration ran:\n" << terminal.out;
  EXPECT_NE(terminal.out.find("ok"), std::string::npos) << terminal.out;

  project_.write_migration("core", "0002_slow.sql", migration("", slow_statement(GetParam(), 1)));
  RunResult piped = project_.run({"apply"});
  ASSERT_EQ(piped.exit_code, 0) << piped.describe();
  EXPECT_EQ(piped.out.find("running"), std::string::npos) << "a live line in a pipe:\n" << piped.out;
  EXPECT_EQ(piped.out.find('\r'), std::string::npos) << piped.out;
}

TRELLIS_BACKENDS(OutputTest);

// PostgreSQL only: a killed backend, a lock held by another session.
class PgOutputTest : public OutputTest {};

TEST_P(PgOutputTest, LostConnectionEndsWithASummaryNamingTheMigrationInFlight) {
  project_.write_migration("a", "0001_first.sql", migration("", "CREATE TABLE a1 (id int);"));
  project_.write_migration("a", "0002_slow.sql", migration("", "CREATE TABLE a2 (id int);\nSELECT pg_sleep(30);"));
  project_.write_migration("a", "0003_last.sql", migration("", "CREATE TABLE a3 (id int);"));
  Child runner(project_.options({"apply"}));
  ASSERT_TRUE(wait_for_slow_statement(runner, *db_)) << runner.finish(milliseconds(1000)).describe();
  db_->query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(30)%' "
             "AND datname = current_database() AND pid <> pg_backend_pid()");
  RunResult lost = runner.finish(milliseconds(20000));
  EXPECT_EQ(lost.exit_code, 3) << lost.describe();
  EXPECT_NE(lost.out.find("Summary: 1 applied"), std::string::npos) << lost.describe();
  std::string in_flight = line_with(lost.out, "  a/0002_slow ");
  EXPECT_NE(in_flight.find("interrupted"), std::string::npos) << lost.describe();
  EXPECT_NE(line_with(lost.out, "  a/0003_last ").find("not-run"), std::string::npos) << lost.describe();
  EXPECT_NE(lost.err.find("a/0002_slow"), std::string::npos) << "the error does not name the migration:\n"
                                                            << lost.describe();
  EXPECT_EQ(db_->applied_ids(), std::vector<std::string>{"a/0001_first"});
}

TEST_P(PgOutputTest, LockRetryLinesReachTheLogWhileTheMigrationWaits) {
  project_.write("trellis.toml", "[defaults]\nlock_timeout = \"100ms\"\nlock_retries = 30\n\n[env.dev]\ndatabase = \"" +
                                     db_->url() + "\"\nfeatures = \"all\"\n");
  db_->query("CREATE TABLE accounts (id int)");
  project_.write_migration("acc", "0001_note.sql", migration("", "ALTER TABLE accounts ADD COLUMN note text;"));
  auto holder = trellis::make_postgres_driver(db_->url(), trellis::OpenMode::kReadWrite, "trellis");
  holder->connection().begin(trellis::Timeouts{});
  holder->connection().execute(trellis::Statement{"SELECT count(*) FROM accounts", 1, 1, {}});
  Child runner(project_.options({"apply"}));
  bool seen = runner.wait_for_output("retry", milliseconds(15000));
  bool still_waiting = runner.running();
  holder->connection().commit();
  RunResult apply = runner.finish(milliseconds(60000));
  EXPECT_TRUE(seen && still_waiting) << "no retry line while the migration waited for its lock:\n"
                                     << apply.describe();
  EXPECT_EQ(apply.exit_code, 0) << apply.describe();
  EXPECT_NE(line_with(apply.out, "retry").find("acc/0001_note"), std::string::npos) << apply.describe();

  // On a terminal the retry lines come between redraws of the live line, each whole.
  project_.write_migration("acc", "0002_more.sql", migration("", "ALTER TABLE accounts ADD COLUMN more text;"));
  holder->connection().begin(trellis::Timeouts{});
  holder->connection().execute(trellis::Statement{"SELECT count(*) FROM accounts", 1, 1, {}});
  std::thread committer([&] {
    std::this_thread::sleep_for(milliseconds(1500));
    holder->connection().commit();
  });
  RunOptions tty = project_.options({"apply"});
  tty.env["NO_COLOR"] = "1";
  RunResult terminal = run_in_pty(tty);
  committer.join();
  EXPECT_EQ(terminal.exit_code, 0) << terminal.out;
  EXPECT_TRUE(std::regex_search(terminal.out, std::regex("\\r  running +acc/0002_more +[0-9.]+ s"))) << terminal.out;
  std::string retry = line_with(terminal.out, "retry acc/0002_more");
  std::size_t at = retry.find("retry");
  ASSERT_NE(at, std::string::npos) << terminal.out;
  EXPECT_EQ(retry.substr(at - 2).find("running"), std::string::npos) << "a retry line mixed with the live line: " << retry;
}

INSTANTIATE_TEST_SUITE_P(Backends, PgOutputTest, ::testing::Values("postgres"), ::trellis_test::backend_name);

}  // namespace
}  // namespace trellis_test
