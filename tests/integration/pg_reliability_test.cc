// End-to-end reliability on PostgreSQL, driving the real trellis binary: concurrent
// runners, SIGKILL at random points, a terminated backend.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <map>
#include <random>
#include <thread>

#include "db/drivers.h"
#include "harness.h"

namespace trellis_test {
namespace {

// A project on a new database of the run's server, driven as a script would.
class PgReliability : public ::testing::Test {
 protected:
  void SetUp() override {
    TRELLIS_REQUIRE_PG_OR_SKIP(pg);
    server = pg;
    url = server->create_database();
    configure_scripted(project, url);
  }

  PgServer* server = nullptr;
  std::string url;
  TestProject project;
};

std::map<std::string, std::string> states_in(const TestProject& project) {
  RunResult result = project.run({"status", "--json"});
  EXPECT_TRUE(result.exit_code == 0 || result.exit_code == 1) << result.err;
  return states_of(parse_json(result));
}

// A transactional migration that creates `table`, logs itself and takes a little time.
std::string table_migration(const std::string& id, const std::string& table) {
  return "-- +up\nCREATE TABLE " + table + " (id int);\nINSERT INTO " + table +
         " SELECT generate_series(1, 2000);\nINSERT INTO applied_log VALUES ('" + id +
         "');\nSELECT pg_sleep(0.03);\n\n-- +down\nDROP TABLE " + table + ";\n";
}

std::string scalar(PgServer* server, const std::string& url, const std::string& sql) {
  std::vector<std::string> rows = server->query(url, sql);
  return rows.empty() ? "" : rows[0];
}

bool table_exists(PgServer* server, const std::string& url, const std::string& table) {
  return scalar(server, url, "SELECT to_regclass('" + table + "') IS NOT NULL") == "t";
}

TEST_F(PgReliability, ConcurrentRunnersApplyEachMigrationOnce) {
  server->query(url, "CREATE TABLE applied_log (id text)");
  for (int f = 0; f < 3; ++f) {
    for (int n = 1; n <= 4; ++n) {
      std::string feature = "f" + std::to_string(f);
      std::string id = feature + "/000" + std::to_string(n) + "_t";
      project.write("migrations/" + id + ".sql",
                    table_migration(id, feature + "_t" + std::to_string(n)));
    }
  }
  std::vector<std::unique_ptr<Child>> runners;
  for (int i = 0; i < 8; ++i) runners.push_back(project.start({"apply"}));
  for (auto& runner : runners) {
    RunResult result = runner->finish();
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  }
  EXPECT_EQ(scalar(server, url, "SELECT count(*), count(DISTINCT id) FROM applied_log"), "12|12");
  EXPECT_EQ(scalar(server, url, "SELECT count(*) FROM trellis.history WHERE action = 'apply'"),
            "12");
  for (const auto& [id, state] : states_in(project)) EXPECT_EQ(state, "applied") << id;
}

TEST_F(PgReliability, RunnersThatCannotWaitExitThree) {
  server->query(url, "CREATE TABLE applied_log (id text)");
  project.write("migrations/slow/0001_sleep.sql",
                "-- +up\nINSERT INTO applied_log VALUES ('slow/0001_sleep');\n"
                "SELECT pg_sleep(2);\n");
  std::vector<std::unique_ptr<Child>> runners;
  for (int i = 0; i < 8; ++i) runners.push_back(project.start({"apply", "--lock-wait", "100ms"}));
  int ok = 0;
  int unavailable = 0;
  for (auto& runner : runners) {
    RunResult result = runner->finish();
    if (result.exit_code == 0) ++ok;
    if (result.exit_code == 3) {
      ++unavailable;
      EXPECT_NE(result.err.find("lock"), std::string::npos) << result.err;
      EXPECT_NE(result.err.find("pid "), std::string::npos) << result.err;
    }
    EXPECT_TRUE(result.exit_code == 0 || result.exit_code == 3) << result.err;
  }
  EXPECT_GE(ok, 1);
  EXPECT_GE(unavailable, 1);
  EXPECT_EQ(scalar(server, url, "SELECT count(*) FROM applied_log"), "1");
}

// tx/0001..0003 transactional; ix/0001 table, ix/0002 non-transactional CIC, ix/0003 column.
void write_mixed_project(const TestProject& project) {
  for (int n = 1; n <= 3; ++n) {
    std::string id = "tx/000" + std::to_string(n) + "_t";
    project.write("migrations/" + id + ".sql", table_migration(id, "tx_" + std::to_string(n)));
  }
  project.write("migrations/ix/0001_big.sql",
                "-- +up\nCREATE TABLE big (id int, v int);\n"
                "INSERT INTO big SELECT g, g % 1000 FROM generate_series(1, 100000) g;\n"
                "INSERT INTO applied_log VALUES ('ix/0001_big');\n");
  project.write("migrations/ix/0002_index.sql",
                "-- transaction: false\n-- +up\n"
                "CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_big_v ON big (v);\n"
                "SELECT pg_sleep(0.05);\n"
                "CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_big_id ON big (id);\n");
  project.write("migrations/ix/0003_column.sql",
                "-- +up\nALTER TABLE big ADD COLUMN w int;\n"
                "INSERT INTO applied_log VALUES ('ix/0003_column');\n");
}

bool index_valid(PgServer* server, const std::string& url, const std::string& index) {
  return scalar(server, url,
                "SELECT coalesce((SELECT indisvalid FROM pg_index WHERE indexrelid = "
                "to_regclass('" + index + "')), false)") == "t";
}

// What each transactional migration leaves, to compare with what status claims.
std::map<std::string, bool> schema_facts(PgServer* server, const std::string& url) {
  return {{"tx/0001_t", table_exists(server, url, "tx_1")},
          {"tx/0002_t", table_exists(server, url, "tx_2")},
          {"tx/0003_t", table_exists(server, url, "tx_3")},
          {"ix/0001_big", table_exists(server, url, "big")},
          {"ix/0003_column",
           scalar(server, url, "SELECT count(*) FROM pg_attribute WHERE attname = 'w' AND "
                               "attrelid = coalesce(to_regclass('big'), 0)") == "1"}};
}

TEST_F(PgReliability, SigkillAtRandomPointsLeavesATruthfulState) {
  std::mt19937 random(20261120);
  std::uniform_int_distribution<int> delay_ms(0, 450);
  for (int iteration = 0; iteration < 20; ++iteration) {
    SCOPED_TRACE("iteration " + std::to_string(iteration));
    std::string round_url = server->create_database();  // a fresh database each round
    server->query(round_url, "CREATE TABLE applied_log (id text)");
    TestProject round_project;
    configure_scripted(round_project, round_url);
    write_mixed_project(round_project);
    std::unique_ptr<Child> runner = round_project.start({"apply"});
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(random)));
    runner->kill_now(SIGKILL);
    runner->finish();
    // The killed runner's backend may still finish what it was sent (a commit included):
    // look only once it is gone, or status and the schema could be read either side of it.
    ASSERT_TRUE(eventually(
        [&] {
          return scalar(server, round_url,
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = "
                        "current_database() AND pid <> pg_backend_pid()") == "0";
        },
        std::chrono::milliseconds(10000)));

    std::map<std::string, std::string> states = states_in(round_project);
    for (const auto& [id, exists] : schema_facts(server, round_url)) {
      EXPECT_EQ(states[id] == "applied", exists) << id << " is " << states[id];
      EXPECT_NE(states[id], "running") << id << " is transactional";
    }
    if (states["ix/0002_index"] == "applied") {
      EXPECT_TRUE(index_valid(server, round_url, "ix_big_v"));
      EXPECT_TRUE(index_valid(server, round_url, "ix_big_id"));
    }

    RunResult rerun = round_project.run({"apply"});
    ASSERT_EQ(rerun.exit_code, 0) << rerun.out << rerun.err;
    for (const auto& [id, state] : states_in(round_project)) EXPECT_EQ(state, "applied") << id;
    for (const auto& [id, exists] : schema_facts(server, round_url)) EXPECT_TRUE(exists) << id;
    EXPECT_TRUE(index_valid(server, round_url, "ix_big_v"));
    EXPECT_TRUE(index_valid(server, round_url, "ix_big_id"));
    EXPECT_EQ(scalar(server, round_url, "SELECT count(*) FROM pg_index WHERE NOT indisvalid"), "0");
    EXPECT_EQ(scalar(server, round_url, "SELECT count(*), count(DISTINCT id) FROM applied_log"),
              "5|5");
  }
}

TEST_F(PgReliability, TerminatedBackendExitsThreeAndRecordsNothingFalse) {
  project.write("migrations/a/0001_first.sql", "-- +up\nCREATE TABLE a1 (id int);\n");
  project.write("migrations/a/0002_slow.sql",
                "-- +up\nCREATE TABLE a2 (id int);\nSELECT pg_sleep(30);\n");
  project.write("migrations/a/0003_last.sql", "-- +up\nCREATE TABLE a3 (id int);\n");
  std::unique_ptr<Child> runner = project.start({"apply"});
  std::string victim;
  for (int i = 0; i < 200 && victim.empty(); ++i) {
    victim = scalar(server, url,
                    "SELECT pid FROM pg_stat_activity WHERE query LIKE '%pg_sleep(30)%' "
                    "AND datname = current_database() AND pid <> pg_backend_pid()");
    if (victim.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_FALSE(victim.empty()) << "the slow migration never started";
  server->query(url, "SELECT pg_terminate_backend(" + victim + ")");
  RunResult result = runner->finish();
  EXPECT_EQ(result.exit_code, 3) << result.out << result.err;

  std::map<std::string, std::string> states = states_in(project);
  EXPECT_EQ(states["a/0001_first"], "applied");
  EXPECT_NE(states["a/0002_slow"], "applied");
  EXPECT_NE(states["a/0003_last"], "applied");
  EXPECT_FALSE(table_exists(server, url, "a2"));
  EXPECT_FALSE(table_exists(server, url, "a3"));
  EXPECT_EQ(scalar(server, url,
                   "SELECT count(*) FROM trellis.history WHERE action = 'apply' "
                   "AND id <> 'a/0001_first'"),
            "0");
}

TEST_F(PgReliability, ReadingCommandsCreateNothingAndIgnoreTheRunnerLock) {
  project.write("migrations/a/0001_t.sql", "-- +up\nCREATE TABLE t (id int);\n");
  auto holder = trellis::make_postgres_driver(url, trellis::OpenMode::kReadWrite, "trellis");
  holder->lock().acquire(trellis::Millis(0));
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"status", "--json"}, {"plan", "--json"}, {"history", "--json"}}) {
    auto started = std::chrono::steady_clock::now();
    RunResult result = project.run(args);
    EXPECT_EQ(result.exit_code, 0) << args[0] << ": " << result.out << result.err;
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5)) << args[0];
    parse_json(result);
  }
  EXPECT_EQ(scalar(server, url, "SELECT to_regnamespace('trellis') IS NULL"), "t");
  RunResult apply = project.run({"apply", "--lock-wait", "200ms"});
  EXPECT_EQ(apply.exit_code, 3) << apply.out << apply.err;
  EXPECT_NE(apply.err.find("held by pid "), std::string::npos) << apply.err;
  holder->lock().release();
  EXPECT_EQ(project.run({"apply"}).exit_code, 0);
}

}  // namespace
}  // namespace trellis_test
