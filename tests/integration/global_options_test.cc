// global_options_test.cc — options of every command: --verbose says which trellis.toml,
// environment and database were chosen; --help wins over --json (issue 15).
#include <filesystem>

#include "harness.h"

namespace trellis_test {
namespace {

class GlobalOptionsTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    project_.write_simple_config(db_->url());
    project_.write_migration("core", "0001_init.sql", migration("", "CREATE TABLE core_users (id integer);"));
  }
};

// --verbose says on stderr which trellis.toml was found (upwards, as git does), which
// environment was chosen and by what, and the database with its password masked.
TEST_P(GlobalOptionsTest, VerboseSaysWhichProjectEnvironmentAndDatabase) {
  RunOptions o = project_.options({"--verbose", "status"});
  o.cwd = project_.path("migrations/core");
  RunResult r = run_process(o);
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  std::string root = std::filesystem::canonical(project_.root()).string();
  EXPECT_NE(r.err.find("trellis: verbose: project " + root + "/trellis.toml (found upwards from " + root +
                       "/migrations/core)"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("trellis: verbose: environment dev (chosen by the only environment in trellis.toml)"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("trellis: verbose: database "), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("verbose"), std::string::npos) << "verbose lines belong on stderr:\n" << r.out;
  RunResult masked = project_.run({"-v", "-e", "dev", "--database", "postgres://app:hunter2@127.0.0.1:1/x", "plan"});
  EXPECT_NE(masked.err.find("trellis: verbose: environment dev (chosen by -e)"), std::string::npos) << masked.err;
  EXPECT_NE(masked.err.find("trellis: verbose: database postgres://app:***@127.0.0.1:1/x (from --database)"),
            std::string::npos)
      << masked.err;
  EXPECT_EQ(masked.err.find("hunter2"), std::string::npos) << masked.err;
  RunResult quiet = project_.run({"status"});
  EXPECT_EQ(quiet.err.find("verbose"), std::string::npos) << quiet.err;
}

// Help asked for wins over --json: the help text alone, exit 0, no JSON document.
TEST_P(GlobalOptionsTest, HelpWithJsonPrintsOnlyTheHelp) {
  for (std::vector<std::string> args : {std::vector<std::string>{"status", "--help", "--json"},
                                        std::vector<std::string>{"status", "--json", "--help"},
                                        std::vector<std::string>{"help", "plan", "--json"}}) {
    RunResult r = project_.run(args);
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_NE(r.out.find("Usage"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("schema_version"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find('{'), std::string::npos) << r.out;
  }
}

TRELLIS_BACKENDS(GlobalOptionsTest);

}  // namespace
}  // namespace trellis_test
