// sqlite_faults_test.cc — a SQLite file that a crash, a bad copy or the file system left
// in a bad state: reading commands recover a hot journal; anything Trellis cannot use
// is exit 3 naming the file and what is wrong with it.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "harness.h"

namespace trellis_test {
namespace {

// Runs as a user the file permissions apply to: root may write anywhere, so as root the
// binary runs as nobody (through setpriv); anyone else runs it as themselves.
bool run_unprivileged(RunOptions& options) {
  if (::geteuid() != 0) return true;
  if (::access("/usr/bin/setpriv", X_OK) != 0) return false;
  options.prefix = {"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"};
  return true;
}

class SqliteFaultsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = make_db("sqlite", project_.root(), "dev");
    project_.write_simple_config(db_->url());
    project_.write_migration("core", "0001_init.sql",
                             migration("", "CREATE TABLE core_users (id integer);"));
  }

  std::string db_path() const { return db_->url().substr(7); }

  void expect_unavailable(const RunResult& r, const std::string& what) {
    EXPECT_EQ(r.exit_code, 3) << r.describe();
    EXPECT_NE(r.err.find(db_path()), std::string::npos) << "the file is named\n" << r.describe();
    EXPECT_NE(r.err.find(what), std::string::npos) << "expected: " << what << "\n" << r.describe();
  }

  TestProject project_;
  std::unique_ptr<TestDb> db_;
};

// kill -9 in the middle of a transactional migration that changed more pages than
// SQLite's page cache holds: the changed pages were written to the file already, and the
// journal holding the originals is "hot".
void kill_writer_leaving_hot_journal(const TestProject& project, TestDb& db, const std::string& db_path) {
  RunResult first = project.run({"apply"});
  ASSERT_EQ(first.exit_code, 0) << first.describe();
  std::uintmax_t before = std::filesystem::file_size(db_path);
  project.write_migration(
      "core", "0002_slow.sql",
      migration("", "CREATE TABLE half_done (id integer, v text);\n"
                    "WITH RECURSIVE s(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM s WHERE x < 20000) "
                    "INSERT INTO half_done SELECT x, printf('%.500d', x) FROM s;\n" +
                        slow_statement("sqlite", 3.0)));
  Child runner(project.options({"apply"}));
  ASSERT_TRUE(wait_for_slow_statement(runner, db)) << runner.finish(milliseconds(1000)).describe();
  ASSERT_TRUE(runner.wait_until([&] { return std::filesystem::file_size(db_path) > before + 4'000'000; },
                                milliseconds(5000)))
      << "the migration's pages never reached the file\n" << runner.finish(milliseconds(1000)).describe();
  std::this_thread::sleep_for(milliseconds(300));
  runner.kill_now(SIGKILL);
  RunResult killed = runner.finish(milliseconds(10000));
  ASSERT_EQ(killed.signal, SIGKILL) << killed.describe();
  ASSERT_TRUE(file_exists(db_path + "-journal")) << "no hot journal left behind";
}

// Reading commands roll the hot journal back (as SQLite does for any writer) and report
// the state as it was before the killed transaction.
TEST_F(SqliteFaultsTest, ReadingCommandsWorkAfterAKilledWriter) {
  kill_writer_leaving_hot_journal(project_, *db_, db_path());
  if (HasFatalFailure()) return;
  // No harness query before these: it would roll the journal back itself.
  for (const char* command : {"status", "plan", "history", "check"}) {
    RunResult r = project_.run({command});
    EXPECT_EQ(r.exit_code, 0) << command << "\n" << r.describe();
    EXPECT_EQ(r.err.find("readonly"), std::string::npos) << r.describe();
  }
  RunResult status = project_.run({"status", "--json"});
  nlohmann::json doc = parse_json(status.out);
  EXPECT_EQ(states_of(doc)["core/0001_init"], "applied") << status.describe();
  EXPECT_EQ(states_of(doc)["core/0002_slow"], "pending") << status.describe();
  EXPECT_FALSE(db_->has_table("half_done"));

  RunResult next = project_.run({"apply"});
  EXPECT_EQ(next.exit_code, 0) << next.describe();
  EXPECT_EQ(db_->applied_ids(), (std::vector<std::string>{"core/0001_init", "core/0002_slow"}));
}

// A user who may read the file but not write it cannot roll the journal back: exit 3
// saying so, and the journal stays for a user who can.
TEST_F(SqliteFaultsTest, HotJournalWithoutWriteAccessIsExplained) {
  RunOptions options = project_.options({"status"});
  if (!run_unprivileged(options)) GTEST_SKIP() << "needs setpriv when run as root";
  kill_writer_leaving_hot_journal(project_, *db_, db_path());
  if (HasFatalFailure()) return;
  chmod(db_path().c_str(), 0444);
  chmod(project_.root().c_str(), 0555);
  options.env["TRELLIS_NO_CACHE"] = "1";
  RunResult r = run_process(options);
  chmod(project_.root().c_str(), 0700);
  chmod(db_path().c_str(), 0644);
  expect_unavailable(r, "left " + db_path() + "-journal behind");
  EXPECT_NE(r.err.find("needs write access"), std::string::npos) << r.describe();
  EXPECT_TRUE(file_exists(db_path() + "-journal"));
  RunResult as_owner = project_.run({"status"});
  EXPECT_EQ(as_owner.exit_code, 0) << as_owner.describe();
  EXPECT_FALSE(file_exists(db_path() + "-journal"));
}

TEST_F(SqliteFaultsTest, NotADatabase) {
  write_file(db_path(), std::string("this is a text file, not a database\n") + std::string(4000, 'x'));
  for (const char* command : {"status", "apply", "history", "check"}) {
    expect_unavailable(project_.run({command}), "not a SQLite database");
  }
}

TEST_F(SqliteFaultsTest, TruncatedDatabase) {
  for (int i = 2; i <= 30; ++i) {
    std::string n = (i < 10 ? "000" : "00") + std::to_string(i);
    project_.write_migration("core", n + "_t.sql",
                             migration("", "CREATE TABLE t" + n + " (id integer primary key, v text);\n"
                                           "INSERT INTO t" + n + " SELECT value, printf('%.500c', 'x') "
                                           "FROM generate_series(1, 40);"));
  }
  RunResult first = project_.run({"apply"});
  if (first.exit_code != 0) {  // generate_series is not in every SQLite build
    for (int i = 2; i <= 30; ++i) {
      std::string n = (i < 10 ? "000" : "00") + std::to_string(i);
      project_.write_migration("core", n + "_t.sql",
                               migration("", "CREATE TABLE t" + n + " (id integer primary key, v text);\n"
                                             "WITH RECURSIVE s(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM s "
                                             "WHERE x < 40) INSERT INTO t" + n +
                                             " SELECT x, printf('%.500c', 'x') FROM s;"));
    }
    std::filesystem::remove(db_path());
    first = project_.run({"apply"});
  }
  ASSERT_EQ(first.exit_code, 0) << first.describe();
  auto size = std::filesystem::file_size(db_path());
  ASSERT_GT(size, 20000u);
  std::filesystem::resize_file(db_path(), 12288);  // three of its pages are left
  for (const char* command : {"status", "apply", "history"}) {
    expect_unavailable(project_.run({command}), "damaged");
  }
}

// As an unprivileged user (root may write anywhere): the file is writable, but its
// directory is not, so SQLite cannot create the rollback journal it writes through.
TEST_F(SqliteFaultsTest, ReadOnlyDirectory) {
  RunOptions options = project_.options({"apply"});
  if (!run_unprivileged(options)) GTEST_SKIP() << "needs setpriv when run as root";
  RunResult first = project_.run({"apply"});
  ASSERT_EQ(first.exit_code, 0) << first.describe();
  project_.write_migration("core", "0002_more.sql", migration("", "CREATE TABLE more (id integer);"));
  chmod(db_path().c_str(), 0666);
  chmod(project_.path("migrations").c_str(), 0755);
  chmod(project_.root().c_str(), 0555);
  options.env["TRELLIS_NO_CACHE"] = "1";
  RunResult r = run_process(options);
  chmod(project_.root().c_str(), 0700);
  expect_unavailable(r, "not writable");
  EXPECT_EQ(db_->applied_ids(), std::vector<std::string>{"core/0001_init"});
}

}  // namespace
}  // namespace trellis_test
