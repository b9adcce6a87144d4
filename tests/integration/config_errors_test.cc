// config_errors_test.cc — settings of trellis.toml follow one rule each, and a bad one is
// an error naming trellis.toml:LINE (exit 2) before any database is touched.
#include "harness.h"

namespace trellis_test {
namespace {

class ConfigErrorsTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    project_.write_migration("core", "0001_init.sql",
                             migration("", "CREATE TABLE core_users (id integer);"));
  }

  // trellis.toml: `project` lines under [project] (if any), then [env.dev] with the
  // test database and `env_lines`.
  void write_config(const std::string& project, const std::string& env_lines) {
    std::string text;
    if (!project.empty()) text += "[project]\n" + project + "\n";
    text += "[env.dev]\ndatabase = \"" + db_->url() + "\"\n" + env_lines;
    project_.write("trellis.toml", text);
  }

  void expect_config_error(const std::string& where, const std::string& message) {
    for (const char* command : {"apply", "status"}) {
      RunResult r = project_.run({command});
      EXPECT_EQ(r.exit_code, 2) << r.describe();
      EXPECT_NE(r.err.find(where), std::string::npos) << "expected: " << where << "\n" << r.describe();
      EXPECT_NE(r.err.find(message), std::string::npos) << "expected: " << message << "\n" << r.describe();
      if (is_sqlite()) EXPECT_FALSE(file_exists(db_->url().substr(7))) << r.describe();
      else EXPECT_FALSE(db_->state_exists()) << r.describe();
    }
  }
};

TEST_P(ConfigErrorsTest, BareIntegerDurationNeedsAUnit) {
  write_config("", "lock_timeout = 5\n");
  expect_config_error("trellis.toml:3:", "'lock_timeout' needs a unit");
  project_.write("trellis.toml", "[defaults]\nstatement_timeout = 30\n\n[env.dev]\ndatabase = \"" +
                                     db_->url() + "\"\n");
  expect_config_error("trellis.toml:2:", "'statement_timeout' needs a unit");
}

TEST_P(ConfigErrorsTest, StringDurationFollowsTheSameRule) {
  write_config("", "lock_wait = \"5\"\n");
  expect_config_error("trellis.toml:3:", "'lock_wait' needs a unit");
  write_config("", "lock_timeout = 1.5\n");
  expect_config_error("trellis.toml:3:", "'lock_timeout'");
  write_config("", "lock_timeout = \"soon\"\n");
  expect_config_error("trellis.toml:3:", "'lock_timeout' is not a duration");
}

TEST_P(ConfigErrorsTest, ZeroMeansNoneWithOrWithoutQuotes) {
  write_config("", "statement_timeout = 0\nlock_wait = \"0\"\nlock_timeout = \"250ms\"\n");
  RunResult r = project_.run({"apply"});
  EXPECT_EQ(r.exit_code, 0) << r.describe();
}

TEST_P(ConfigErrorsTest, UnknownDefaultEnvironment) {
  write_config("default_env = \"deve\"\n", "");
  expect_config_error("trellis.toml:2:", "default_env 'deve' is not an environment");
  RunResult r = project_.run({"status"});
  EXPECT_NE(r.err.find("did you mean \"dev\""), std::string::npos) << r.describe();
}

// A TOML syntax error names trellis.toml:LINE and the column, shows the line with a caret,
// and hints at what to check (issue 15).
TEST_P(ConfigErrorsTest, SyntaxErrorNamesLineAndColumnWithAHint) {
  project_.write("trellis.toml", "[project]\ndefault_env = \"dev\"\n[env.dev]\ndatabase = sqlite:dev.db\n");
  expect_config_error("trellis.toml:4: TOML syntax error at column 12:", "could not determine value type");
  RunResult r = project_.run({"status"});
  EXPECT_NE(r.err.find("  database = sqlite:dev.db\n             ^"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("hint: check that line and the one before it: a string needs double quotes"), std::string::npos)
      << r.err;
  nlohmann::json doc = parse_json(project_.run({"status", "--json"}));
  EXPECT_EQ(doc["errors"][0]["line"], 4) << doc.dump(2);
  EXPECT_TRUE(doc["errors"][0]["hint"].is_string()) << doc.dump(2);
}

TEST_P(ConfigErrorsTest, UnsupportedDatabaseScheme) {
  project_.write("trellis.toml", "[env.dev]\nfeatures = \"all\"\ndatabase = \"mysql://app@db/shop\"\n");
  expect_config_error("trellis.toml:3:", "unsupported database URL scheme 'mysql'");
  RunResult r = project_.run({"status"});
  EXPECT_NE(r.err.find("postgres://"), std::string::npos) << "the accepted schemes are listed\n" << r.describe();
  EXPECT_NE(r.err.find("sqlite:"), std::string::npos) << r.describe();

  // Through a variable: still the line of `database`.
  project_.write("trellis.toml", "[env.dev]\ndatabase = \"${TRELLIS_TEST_URL}\"\n");
  RunResult via_var = project_.run({"status"}, {{"TRELLIS_TEST_URL", "mysql://app:secret@db/shop"}});
  EXPECT_EQ(via_var.exit_code, 2) << via_var.describe();
  EXPECT_NE(via_var.err.find("trellis.toml:2:"), std::string::npos) << via_var.describe();
  EXPECT_EQ(via_var.err.find("secret"), std::string::npos) << "no password in messages\n" << via_var.describe();

  // From the command line: named as --database.
  write_config("", "");
  RunResult flag = project_.run({"status", "--database", "mongodb://db/x"});
  EXPECT_EQ(flag.exit_code, 2) << flag.describe();
  EXPECT_NE(flag.err.find("--database"), std::string::npos) << flag.describe();
  EXPECT_NE(flag.err.find("'mongodb'"), std::string::npos) << flag.describe();
}

TRELLIS_BACKENDS(ConfigErrorsTest);

}  // namespace
}  // namespace trellis_test
