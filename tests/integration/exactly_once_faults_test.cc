// exactly_once_faults_test.cc — each kind of statement of a non-transactional migration,
// interrupted by each kind of fault, runs exactly once in the end (issue 10 §1):
// kill -9 of the runner, pg_terminate_backend of its backend, a server restart; on
// SQLite, kill -9 at random points.
#include <signal.h>

#include <algorithm>
#include <random>
#include <thread>

#include "harness.h"
#include "pg_ledger_fixture.h"
#include "pg_lock_holder.h"

namespace trellis_test {
namespace {

enum class Fault { kKill, kTerminate, kRestart };

struct Case {
  Fault fault;
  bool concurrent_index;  // the statement: CREATE INDEX CONCURRENTLY, else an INSERT
};

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
  const char* fault = info.param.fault == Fault::kKill        ? "Kill"
                      : info.param.fault == Fault::kTerminate ? "Terminate"
                                                              : "Restart";
  return std::string(fault) + (info.param.concurrent_index ? "DuringConcurrentIndex" : "DuringInsert");
}

class PgFaults : public PgLedgerFixture<::testing::TestWithParam<Case>> {
 protected:
  // A restart needs a server of this test alone; the other faults hit only its database.
  void SetUp() override { set_up("", GetParam().fault == Fault::kRestart); }

  void inject(Child& runner, const std::string& running) {
    switch (this->GetParam().fault) {
      case Fault::kKill:
        runner.kill_now(SIGKILL);
        break;
      case Fault::kTerminate:
        db_->query("SELECT pg_terminate_backend(" + backend_pid(running) + ")");
        break;
      case Fault::kRestart: {
        std::string why;
        ASSERT_TRUE(server_->restart(&why)) << why;
        break;
      }
    }
  }
};

TEST_P(PgFaults, StatementRunsExactlyOnce) {
  const bool index = GetParam().concurrent_index;
  const std::string running = index ? "CREATE INDEX CONCURRENTLY" : "pg_sleep";
  project_.write_migration("x", "0001_work.sql",
                           std::string("-- transaction: false\n-- +up\n") +
                               (index ? "CREATE INDEX CONCURRENTLY t_a_idx ON t (a);\n"
                                      : "INSERT INTO ledger SELECT 'x' FROM pg_sleep(1.5);\n") +
                               "INSERT INTO ledger VALUES ('y');\n");
  {
    // The index build waits behind this lock; the INSERT needs none.
    LockHolder holder(db_->url(), "LOCK TABLE t IN ROW EXCLUSIVE MODE",
                      milliseconds(index ? 1500 : 0));
    Child runner(project_.options({"apply"}));
    ASSERT_TRUE(runner.wait_until([&] { return !backend_pid(running).empty(); }, milliseconds(15000)))
        << runner.finish(milliseconds(1000)).describe();
    inject(runner, running);
    RunResult interrupted = runner.finish(milliseconds(20000));
    EXPECT_NE(interrupted.exit_code, 0) << interrupted.describe();
  }
  // A killed runner's backend may still be finishing its statement: let it.
  for (int i = 0; i < 200 && !backend_pid(running).empty(); ++i) std::this_thread::sleep_for(milliseconds(50));
  RunResult next = project_.run({"apply"});
  ASSERT_EQ(next.exit_code, 0) << next.describe();
  EXPECT_EQ(db_->applied_ids(), std::vector<std::string>{"x/0001_work"});
  if (index) {
    EXPECT_EQ(scalar("SELECT count(*), bool_and(indisvalid) FROM pg_index WHERE indrelid = 't'::regclass"),
              "1|t");
    EXPECT_EQ(db_->query("SELECT v, count(*) FROM ledger GROUP BY v"), std::vector<std::string>{"y|1"});
  } else {
    EXPECT_EQ(db_->query("SELECT v, count(*) FROM ledger GROUP BY v ORDER BY v"),
              (std::vector<std::string>{"x|1", "y|1"}));
  }
  RunResult again = project_.run({"apply"});
  EXPECT_EQ(again.exit_code, 0) << again.describe();
}

INSTANTIATE_TEST_SUITE_P(Faults, PgFaults,
                         ::testing::Values(Case{Fault::kKill, true}, Case{Fault::kKill, false},
                                           Case{Fault::kTerminate, true}, Case{Fault::kTerminate, false},
                                           Case{Fault::kRestart, true}, Case{Fault::kRestart, false}),
                         case_name);

// The measured failure: in a 55-kill loop on SQLite, 2 kills duplicated a row, because an
// INSERT committed before its progress was written.
TEST(SqliteFaults, KillsAtRandomPointsNeverRepeatAStatement) {
  std::mt19937 random(20261202);
  std::uniform_int_distribution<int> delay_ms(60, 500);
  int interrupted = 0;  // rounds whose kill landed inside the migration
  const std::string body =
      "-- transaction: false\n-- +up\n"
      "INSERT INTO ledger SELECT 'x' FROM (WITH RECURSIVE burn(n) AS (SELECT 1 UNION ALL "
      "SELECT n + 1 FROM burn WHERE n < 1500000) SELECT count(*) FROM burn);\n"
      "INSERT INTO ledger VALUES ('y');\n"
      "INSERT INTO ledger SELECT 'z' FROM (WITH RECURSIVE burn(n) AS (SELECT 1 UNION ALL "
      "SELECT n + 1 FROM burn WHERE n < 1500000) SELECT count(*) FROM burn);\n";
  for (int round = 0; round < 12; ++round) {
    TestProject project;
    auto db = make_db("sqlite", project.root(), "db");
    project.write_simple_config(db->url());
    project.write_migration("base", "0001_ledger.sql", "-- +up\nCREATE TABLE ledger (v text);\n");
    ASSERT_EQ(project.run({"apply"}).exit_code, 0);
    project.write_migration("x", "0001_rows.sql", body);
    Child runner(project.options({"apply"}));
    std::this_thread::sleep_for(milliseconds(delay_ms(random)));
    runner.kill_now(SIGKILL);
    runner.finish(milliseconds(10000));
    auto rows = db->state_rows();
    interrupted += std::count(rows.begin(), rows.end(), "x/0001_rows|running") > 0;
    RunResult next = project.run({"apply"});
    ASSERT_EQ(next.exit_code, 0) << "round " << round << ": " << next.describe();
    EXPECT_EQ(db->query("SELECT v || ':' || count(*) FROM ledger GROUP BY v ORDER BY v"),
              (std::vector<std::string>{"x:1", "y:1", "z:1"}))
        << "round " << round;
  }
  EXPECT_GE(interrupted, 4) << "too few kills landed inside the migration to prove anything";
}

}  // namespace
}  // namespace trellis_test
