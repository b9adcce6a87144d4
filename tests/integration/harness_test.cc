// harness_test.cc — the assertions helpers see what is really in each backend.
#include <signal.h>

#include <chrono>

#include "harness.h"

namespace trellis_test {
namespace {

class HarnessDbTest : public BackendTest {};

TEST_P(HarnessDbTest, SeesTablesAndStateRows) {
  EXPECT_TRUE(db_->tables().empty());
  EXPECT_FALSE(db_->state_exists());
  EXPECT_TRUE(db_->state_rows().empty());
  EXPECT_TRUE(db_->history().empty());
  if (is_sqlite()) {
    // The file does not exist until something creates it; create it with a table.
    write_file(project_.path("dev.db"), "");
  }
  db_->query("CREATE TABLE zeta (id integer)");
  db_->query("CREATE TABLE alpha (id integer)");
  EXPECT_EQ(db_->tables(), (std::vector<std::string>{"alpha", "zeta"}));
  EXPECT_TRUE(db_->has_table("zeta"));
  EXPECT_FALSE(db_->has_table("zet"));
  db_->query("INSERT INTO alpha VALUES (1), (NULL)");
  EXPECT_EQ(db_->query("SELECT id, 'x' FROM alpha ORDER BY id NULLS LAST"),
            (std::vector<std::string>{"1|x", "|x"}));
  EXPECT_THROW(db_->query("SELECT * FROM no_such_table"), std::runtime_error);
}

TRELLIS_BACKENDS(HarnessDbTest);

TEST(HarnessTest, MentionsLine) {
  EXPECT_TRUE(mentions_line("at migrations/a/0001_x.sql:4: boom", "migrations/a/0001_x.sql", 4));
  EXPECT_TRUE(mentions_line("statement 2 (line 4)", "migrations/a/0001_x.sql", 4));
  EXPECT_FALSE(mentions_line("statement 2 (line 44)", "migrations/a/0001_x.sql", 4));
  EXPECT_FALSE(mentions_line("migrations/a/0001_x.sql:41", "migrations/a/0001_x.sql", 4));
}

TEST(HarnessTest, TomlBuilderKeepsTableOrderAndQuotesStrings) {
  TomlBuilder config;
  config.set("project", "migrations", "db/mig")
      .set("env.dev", "database", "sqlite:a \"b\"\\c.db")
      .set("env.dev", "allow_contract", true)
      .set("defaults", "lock_retries", 3)
      .set("project", "migrations", "migrations")
      .lines("env.dev", "features = \"all\"");
  EXPECT_EQ(config.text(),
            "[project]\nmigrations = \"migrations\"\n\n"
            "[env.dev]\ndatabase = \"sqlite:a \\\"b\\\"\\\\c.db\"\nallow_contract = true\n"
            "features = \"all\"\n\n"
            "[defaults]\nlock_retries = 3\n");
}

TEST(HarnessTest, ArgumentsAndEnvironmentReachTheProgramVerbatim) {
  RunOptions options;
  options.program = find_program("sh");
  ASSERT_FALSE(options.program.empty());
  options.args = {"-c", "printf '%s|' \"$1\" \"$GREETING\" \"${DATABASE_URL-unset}\"", "sh",
                  "it's \"quoted\"; $(not run) `either`"};
  options.env = {{"GREETING", "a b"}};
  RunResult result = run_process(options);
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  EXPECT_EQ(result.out, "it's \"quoted\"; $(not run) `either`|a b|unset|");
}

TEST(HarnessTest, ARunThatOutlivesItsTimeoutIsKilled) {
  RunOptions options;
  options.program = find_program("sleep");
  ASSERT_FALSE(options.program.empty());
  options.args = {"30"};
  options.timeout = milliseconds(300);
  auto started = std::chrono::steady_clock::now();
  RunResult result = run_process(options);
  EXPECT_TRUE(result.timed_out);
  EXPECT_EQ(result.signal, SIGKILL);
  EXPECT_EQ(result.exit_code, -1);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
}

TEST(HarnessTest, EachPostgresDatabaseIsNewAndEmpty) {
  TRELLIS_REQUIRE_PG_OR_SKIP(server);
  std::string first = server->create_database();
  std::string second = server->create_database();
  EXPECT_NE(first, second);
  server->query(first, "CREATE TABLE only_here (id int)");
  EXPECT_EQ(server->query(second, "SELECT count(*) FROM pg_class WHERE relname = 'only_here'"),
            std::vector<std::string>{"0"});
}

TEST(HarnessTest, MigrationText) {
  EXPECT_EQ(migration("-- phase: expand", "SELECT 1;", "SELECT 2;"),
            "-- phase: expand\n-- +up\nSELECT 1;\n\n-- +down\nSELECT 2;\n");
  EXPECT_EQ(line_of("a\nb\nc\n", "c"), 3);
}

}  // namespace
}  // namespace trellis_test
