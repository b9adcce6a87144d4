// check_state_test.cc — `trellis check` fails (exit 1) on what needs a person: a migration
// recorded as failed or interrupted, and a release list naming a feature that does not
// exist.
#include <signal.h>

#include <thread>

#include "harness.h"

namespace trellis_test {
namespace {

class CheckStateTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    project_.write_simple_config(db_->url());
    project_.write_migration("core", "0001_init.sql",
                             migration("", "CREATE TABLE core_users (id integer);"));
    project_.write_migration("billing", "0001_invoices.sql",
                             migration("", "CREATE TABLE invoices (id integer);"));
  }

  RunResult expect_check_fails(const std::string& message, const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args{"check"};
    args.insert(args.end(), extra.begin(), extra.end());
    RunResult r = project_.run(args);
    EXPECT_EQ(r.exit_code, 1) << r.describe();
    EXPECT_NE(r.out.find(message), std::string::npos) << "expected: " << message << "\n" << r.describe();
    return r;
  }
};

TEST_P(CheckStateTest, PassesOnAHealthyDatabase) {
  ASSERT_EQ(project_.run({"apply"}).exit_code, 0);
  RunResult r = project_.run({"check"});
  EXPECT_EQ(r.exit_code, 0) << r.describe();
}

TEST_P(CheckStateTest, FailedMigrationFailsCheck) {
  project_.write_migration("core", "0002_broken.sql",
                           migration("", "CREATE TABLE broken (id integer);\nSELECT * FROM no_such_table;"));
  RunResult apply = project_.run({"apply"});
  ASSERT_EQ(apply.exit_code, 1) << apply.describe();
  expect_check_fails("core/0002_broken failed");
  RunResult json = project_.run({"check", "--json"});
  EXPECT_EQ(json.exit_code, 1) << json.describe();
  nlohmann::json doc = parse_json(json.out);
  EXPECT_EQ(doc["ok"], false);
  nlohmann::json finding = find_id(doc["findings"], "core/0002_broken");
  EXPECT_EQ(finding["severity"], "error") << json.out;
}

TEST_P(CheckStateTest, InterruptedMigrationFailsCheck) {
  ASSERT_EQ(project_.run({"apply"}).exit_code, 0);
  project_.write_migration("core", "0002_slow.sql",
                           migration("-- transaction: false",
                                     "CREATE TABLE half_done (id integer);\n" +
                                         slow_statement(GetParam(), 2.5) +
                                         "\nCREATE TABLE after_slow (id integer);"));
  Child runner(project_.options({"apply"}));
  if (is_sqlite()) {
    ASSERT_TRUE(runner.wait_until([&] { return db_->has_table("half_done"); }, milliseconds(10000)))
        << runner.finish(milliseconds(1000)).describe();
    std::this_thread::sleep_for(milliseconds(300));
  } else {
    ASSERT_TRUE(wait_for_slow_statement(runner, *db_)) << runner.finish(milliseconds(1000)).describe();
  }
  runner.kill_now(SIGKILL);
  ASSERT_EQ(runner.finish(milliseconds(10000)).signal, SIGKILL);
  // PostgreSQL runs the killed runner's statement to its end, holding its lock: a check
  // until then says "running" (a warning).
  ASSERT_TRUE(eventually([&] { return project_.run({"check", "--no-drift"}).out.find("interrupted") != std::string::npos; },
                         milliseconds(15000)));
  expect_check_fails("core/0002_slow: interrupted outside a transaction after");
}

TEST_P(CheckStateTest, ReleaseListNamingAnUnknownFeature) {
  project_.write("trellis.toml",
                 "[project]\n"
                 "default_env = \"dev\"\n"
                 "[env.dev]\n"
                 "database = \"" + db_->url() + "\"\n"
                 "features = [\"core\", \"biling\"]\n"
                 "\n"
                 "[env.prod]\n"
                 "database = \"" + db_->url() + "\"\n"
                 "features = [\"core\",\n"
                 "            \"serach\"]\n");
  RunResult r = expect_check_fails("trellis.toml:5: environment 'dev' releases feature 'biling', which does not exist");
  EXPECT_NE(r.out.find("did you mean \"billing\""), std::string::npos) << r.describe();
  // Every environment's list is checked, not only the selected one; with no near name, no guess.
  EXPECT_NE(r.out.find("trellis.toml:10: environment 'prod' releases feature 'serach'"), std::string::npos)
      << r.describe();
  expect_check_fails("'biling'", {"--offline"});
  RunResult json = project_.run({"check", "--json", "--offline"});
  EXPECT_EQ(json.exit_code, 1) << json.describe();
  EXPECT_NE(json.out.find("unknown-feature"), std::string::npos) << json.describe();
}

TRELLIS_BACKENDS(CheckStateTest);

}  // namespace
}  // namespace trellis_test
