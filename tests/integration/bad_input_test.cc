// bad_input_test.cc — bad input of any kind: a clear message naming the file and line,
// exit status 2, and nothing applied (scenario 8).
#include <filesystem>
#include <regex>

#include "harness.h"

namespace trellis_test {
namespace {

class BadInputTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    project_.write_simple_config(db_->url());
    project_.write_migration("core", "0001_init.sql",
                             migration("", "CREATE TABLE core_users (id integer);"));
  }

  // Runs `args`, expects exit 2 with `message` in stderr after "trellis: error: ", and
  // checks that the database was not touched.
  RunResult expect_refused(const std::vector<std::string>& args, const std::string& message,
                           const std::map<std::string, std::string>& env = {}) {
    RunResult result = project_.run(args, env);
    EXPECT_EQ(result.exit_code, 2) << result.describe();
    EXPECT_EQ(result.err.rfind("trellis: error: ", 0), 0u) << result.describe();
    EXPECT_NE(result.err.find(message), std::string::npos)
        << "expected: " << message << "\n" << result.describe();
    expect_untouched();
    return result;
  }

  void expect_untouched() {
    EXPECT_TRUE(db_->tables().empty());
    EXPECT_TRUE(db_->applied_ids().empty());
    EXPECT_TRUE(db_->history().empty());
  }
};

TEST_P(BadInputTest, MalformedDirective) {
  project_.write_migration("b", "0002_x.sql",
                           "-- phase: expand\n"
                           "-- requires: core/0001\n"
                           "-- requirez: core/0001_init\n"
                           "-- +up\n"
                           "CREATE TABLE b_x (id integer);\n");
  for (const char* command : {"apply", "plan"}) {
    RunResult result = expect_refused(
        {command}, "migrations/b/0002_x.sql:3: unknown directive 'requirez'");
    // Followed by the line itself and a caret line under it.
    static const std::regex context("unknown directive 'requirez'[^\\n]*\\n"
                                    "(?:[^\\n]*\\n)*?[^\\n]*-- requirez: core/0001_init\\n"
                                    "[ \\t|0-9]*\\^[~^]*[ \\t]*(\\n|$)");
    EXPECT_TRUE(std::regex_search(result.err, context)) << result.describe();
  }
}

TEST_P(BadInputTest, DependencyCycle) {
  project_.write_migration("a", "0001_x.sql",
                           migration("-- requires: b/0002_y", "CREATE TABLE a_x (id integer);"));
  project_.write_migration("b", "0002_y.sql",
                           migration("-- requires: a/0001_x", "CREATE TABLE b_y (id integer);"));
  RunResult result =
      expect_refused({"apply"}, "dependency cycle: a/0001_x -> b/0002_y -> a/0001_x");
  // The files and lines of the requires that close the cycle (README.md, "A migration file").
  EXPECT_TRUE(result.err.find("migrations/a/0001_x.sql:1") != std::string::npos ||
              result.err.find("migrations/b/0002_y.sql:1") != std::string::npos)
      << result.describe();
}

TEST_P(BadInputTest, DanglingRequires) {
  project_.write_migration("b", "0002_x.sql",
                           migration("-- phase: expand\n-- requires: core/0009",
                                     "CREATE TABLE b_x (id integer);"));
  expect_refused({"apply"}, "migrations/b/0002_x.sql:2: requires 'core/0009', which does not exist");
}

TEST_P(BadInputTest, DuplicateNumber) {
  project_.write_migration("b", "0002_x.sql", migration("", "CREATE TABLE b_x (id integer);"));
  project_.write_migration("b", "0002_y.sql", migration("", "CREATE TABLE b_y (id integer);"));
  expect_refused({"apply"}, "migrations/b/0002_y.sql: duplicate number 0002 in feature 'b' "
                            "(also migrations/b/0002_x.sql)");
}

TEST_P(BadInputTest, FileNameWithoutNumber) {
  project_.write_migration("b", "add_things.sql", migration("", "CREATE TABLE b_x (id integer);"));
  expect_refused({"apply"}, "migrations/b/add_things.sql");
}

TEST_P(BadInputTest, UnsetEnvironmentVariableIsNeverAFallback) {
  project_.write("trellis.toml",
                 "[env.production]\n"
                 "database = \"${DATABASE_URL}\"\n"
                 "features = [\"core\"]\n");
  expect_refused({"apply"}, "trellis.toml:2: environment 'production': ${DATABASE_URL} is not set");
  // No database was created anywhere in the project as a fallback.
  for (const auto& entry : std::filesystem::directory_iterator(project_.root())) {
    std::string name = entry.path().filename().string();
    EXPECT_TRUE(name == "trellis.toml" || name == "migrations") << "unexpected file " << name;
  }
}

TEST_P(BadInputTest, UnknownEnvironment) {
  project_.write("trellis.toml",
                 "[env.dev]\n"
                 "database = \"" + db_->url() + "\"\n"
                 "\n"
                 "[env.production]\n"
                 "database = \"" + db_->url() + "\"\n");
  expect_refused({"-e", "staging", "apply"},
                 "unknown environment 'staging' (environments: dev, production)");
  expect_refused({"apply"}, "unknown environment 'staging' (environments: dev, production)",
                 {{"TRELLIS_ENV", "staging"}});
}

TEST_P(BadInputTest, SqlSyntaxError) {
  project_.write_migration("core", "0001_init.sql",
                           "-- +up\n"
                           "CREATE TABLE good_one (id integer);\n"
                           "CREATE TABLEE bad_one (id integer);\n");
  RunResult result = project_.run({"apply"});
  // Found when splitting (exit 2) or when the statement runs (exit 1, "a migration failed").
  EXPECT_TRUE(result.exit_code == 2 || result.exit_code == 1) << result.describe();
  EXPECT_TRUE(mentions_line(result.err, "migrations/core/0001_init.sql", 3)) << result.describe();
  EXPECT_NE(result.err.find("core/0001_init"), std::string::npos) << result.describe();
  EXPECT_TRUE(db_->tables().empty()) << "the statement before the error must be rolled back";
  EXPECT_TRUE(db_->applied_ids().empty());
}

TEST_P(BadInputTest, UnknownCommandAndOption) {
  RunResult command = project_.run({"aply"});
  EXPECT_EQ(command.exit_code, 2) << command.describe();
  RunResult option = project_.run({"apply", "--no-such-option"});
  EXPECT_EQ(option.exit_code, 2) << option.describe();
  EXPECT_EQ(option.err.rfind("trellis: error: ", 0), 0u) << option.describe();
  expect_untouched();
}

TRELLIS_BACKENDS(BadInputTest);

}  // namespace
}  // namespace trellis_test
