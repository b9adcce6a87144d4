// wait_test.cc — `trellis wait`: exits 0 once the database has the migrations asked for
// (by id, or by a trellis.lock with checksums), 3 at the timeout naming what is missing;
// with --for or --lock it needs only the database, not the project.
#include <thread>

#include <nlohmann/json.hpp>

#include "harness.h"

namespace trellis_test {
namespace {

class WaitTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    project_.write_simple_config(db_->url());
    project_.write_migration("core", "0001_users.sql", migration("", "CREATE TABLE users (id integer);"));
    project_.write_migration("core", "0002_emails.sql", migration("", "CREATE TABLE emails (id integer);"));
  }

  // trellis with `args` started in an empty directory: no trellis.toml, no migrations.
  RunOptions without_project(std::vector<std::string> args) {
    RunOptions o;
    o.args = std::move(args);
    o.args.push_back("--database");
    o.args.push_back(db_->url());
    o.cwd = elsewhere_.path();
    o.env["NO_COLOR"] = "1";
    return o;
  }

  TempDir elsewhere_{"trellis-app"};
};

TEST_P(WaitTest, WaitsUntilAnotherRunnerHasAppliedThem) {
  Child waiter(without_project({"wait", "--for", "core/0001", "core/0002_emails", "--timeout", "60s", "--interval", "100ms"}));
  std::this_thread::sleep_for(milliseconds(700));
  ASSERT_TRUE(waiter.running()) << waiter.finish(milliseconds(1000)).describe();
  RunResult applied = project_.run({"apply"});
  ASSERT_EQ(applied.exit_code, 0) << applied.describe();
  RunResult r = waiter.finish(milliseconds(20000));
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_NE(r.out.find("ready:"), std::string::npos) << r.describe();
}

TEST_P(WaitTest, TimesOutWithExitThreeNamingWhatIsMissing) {
  ASSERT_EQ(project_.run({"apply", "--to", "core/0001"}).exit_code, 0);
  RunResult r = Child(without_project({"wait", "--for", "core/0001", "core/0002", "--timeout", "500ms", "--interval", "100ms"}))
                    .finish(milliseconds(20000));
  EXPECT_EQ(r.exit_code, 3) << r.describe();
  EXPECT_NE(r.err.find("core/0002: not applied"), std::string::npos) << r.describe();
  EXPECT_EQ(r.err.find("core/0001"), std::string::npos) << r.describe();
  RunResult j = Child(without_project({"wait", "--json", "--for", "core/0002", "--timeout", "0"})).finish(milliseconds(20000));
  EXPECT_EQ(j.exit_code, 3) << j.describe();
  auto doc = nlohmann::json::parse(j.out);
  EXPECT_EQ(doc["ready"], false);
  ASSERT_EQ(doc["missing"].size(), 1u) << doc.dump();
  EXPECT_EQ(doc["missing"][0]["id"], "core/0002");
}

TEST_P(WaitTest, ALockFileIsCheckedWithItsChecksums) {
  RunResult written = project_.run({"plan", "--write-lock", "trellis.lock"});
  ASSERT_EQ(written.exit_code, 0) << written.describe();
  std::string lock = project_.path("trellis.lock");
  ASSERT_EQ(project_.run({"apply"}).exit_code, 0);
  RunResult ok = Child(without_project({"wait", "--lock", lock, "--timeout", "0"})).finish(milliseconds(20000));
  EXPECT_EQ(ok.exit_code, 0) << ok.describe();
  // The image was built from an edited file: its checksum is not the one applied.
  project_.write_migration("core", "0002_emails.sql", migration("", "CREATE TABLE emails (id bigint);"));
  ASSERT_EQ(project_.run({"plan", "--write-lock", "trellis.lock"}).exit_code, 0);
  RunResult differs = Child(without_project({"wait", "--lock", lock, "--timeout", "0"})).finish(milliseconds(20000));
  EXPECT_EQ(differs.exit_code, 3) << differs.describe();
  EXPECT_NE(differs.err.find("core/0002_emails: applied with another checksum"), std::string::npos) << differs.describe();
}

TEST_P(WaitTest, BadUsageAndABadLockFileAreExitTwo) {
  RunResult none = Child(without_project({"wait"})).finish(milliseconds(20000));
  EXPECT_EQ(none.exit_code, 2) << none.describe();
  project_.write("bad.lock", "# header\ncore/0001_users\n");
  RunResult bad = Child(without_project({"wait", "--lock", project_.path("bad.lock")})).finish(milliseconds(20000));
  EXPECT_EQ(bad.exit_code, 2) << bad.describe();
  EXPECT_NE(bad.err.find("bad.lock:2:"), std::string::npos) << bad.describe();
}

TRELLIS_BACKENDS(WaitTest);

}  // namespace
}  // namespace trellis_test
