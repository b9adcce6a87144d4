// replicas_test.cc — `apply --wait-replicas` against a real streaming replica (issue 14
// §2): a primary and a hot standby of its own (pg_basebackup -R), the standby replaying
// with recovery_min_apply_delay so it is measurably behind.
#include <chrono>
#include <thread>

#include "harness.h"
#include "pg_server.h"

namespace trellis_test {
namespace {

using std::chrono::steady_clock;

class ReplicasTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    primary_ = start_cluster(&why);
    if (primary_) replica_ = start_replica(*primary_, "recovery_min_apply_delay = '2s'", &why);
    if (!primary_ || !replica_) {
      if (postgres_required()) FAIL() << "a primary and its replica are required: " << why;
      GTEST_SKIP() << "no primary and replica: " << why;
    }
    PgServer::query(primary_->url("postgres"), "CREATE DATABASE app");
    project_.write_simple_config(primary_->url("app"));
    project_.write_migration("core", "0001_accounts.sql", "-- +up\nCREATE TABLE accounts (id bigint);\n");
  }
  void TearDown() override {
    if (replica_) stop_cluster(*replica_);
    if (primary_) stop_cluster(*primary_);
  }
  bool replica_has_accounts() {
    return PgServer::query(replica_->url("app"), "SELECT to_regclass('accounts') IS NOT NULL").at(0) == "t";
  }

  // Until the primary reports a replay lag for the replica (it measures one once the
  // replica has replayed a commit it was sent), at most 15 s.
  bool lag_is_measured() {
    for (int i = 0; i < 150; ++i) {
      if (PgServer::query(primary_->url("postgres"),
                          "SELECT count(*) FROM pg_stat_replication WHERE replay_lag IS NOT NULL")
              .at(0) != "0")
        return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

  TestProject project_;
  std::optional<PgCluster> primary_, replica_;
};

// A replica that has not replayed the run within the timeout is exit 3, named with how
// far behind it is; the migration itself stays committed on the primary.
TEST_F(ReplicasTest, ALaggingReplicaIsExitThreeNamingIt) {
  RunResult r = project_.run({"apply", "--wait-replicas", "500ms"});
  EXPECT_EQ(r.exit_code, 3) << r.describe();
  EXPECT_NE(r.err.find("replicas still behind"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("bytes of WAL not replayed"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("core/0001_accounts"), std::string::npos) << "applied first:\n" << r.out;
  EXPECT_EQ(PgServer::query(primary_->url("app"), "SELECT count(*) FROM trellis.migrations").at(0), "1");
}

// With time enough, apply returns once the replica has replayed the run: the new table
// is there to read on the replica the moment apply exits, and not before it was created.
TEST_F(ReplicasTest, ApplyReturnsOnceTheReplicaHasTheSchema) {
  auto started = steady_clock::now();
  RunResult r = project_.run({"apply", "--wait-replicas", "60s"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_NE(r.out.find("Replicas: all 1 have replayed"), std::string::npos) << r.out;
  EXPECT_TRUE(replica_has_accounts()) << "the replica has the table as apply exits";
  EXPECT_GE(steady_clock::now() - started, std::chrono::milliseconds(1500)) << "it did wait out the replica's delay";
  RunResult again = project_.run({"apply", "--wait-replicas"});  // nothing to do: still waits (quickly)
  EXPECT_EQ(again.exit_code, 0) << again.describe();
  EXPECT_NE(again.out.find("Replicas: all 1"), std::string::npos) << again.out;
}

// The environment's wait_replicas setting waits without the flag; --wait-replicas 0 does not.
TEST_F(ReplicasTest, TheSettingWaitsWithoutTheFlag) {
  project_.write("trellis.toml", "[env.dev]\ndatabase = \"" + primary_->url("app") + "\"\nwait_replicas = \"300ms\"\n");
  RunResult r = project_.run({"apply"});
  EXPECT_EQ(r.exit_code, 3) << r.describe();
  EXPECT_NE(r.err.find("replicas still behind"), std::string::npos) << r.err;
  project_.write_migration("core", "0002_more.sql", "-- +up\nCREATE TABLE more (id bigint);\n");
  RunResult off = project_.run({"apply", "--wait-replicas", "0"});
  EXPECT_EQ(off.exit_code, 0) << off.describe();
  EXPECT_EQ(off.out.find("Replicas:"), std::string::npos) << off.out;
}

// A backfill pauses between batches while the replica lags more than max_replica_lag
// (its 2 s of apply delay against 300ms: the oldest batch it has not replayed is older
// than that after a few batches 150ms apart, and pg_stat_replication says 2 s), says so,
// and still fills every row exactly once; with max_replica_lag = 0 it does not wait.
TEST_F(ReplicasTest, ABackfillWaitsForALaggingReplica) {
  for (std::string max : {"300ms", "0"}) {
    SCOPED_TRACE("max_replica_lag = " + max);
    PgServer::query(primary_->url("postgres"), "DROP DATABASE IF EXISTS app WITH (FORCE)");
    PgServer::query(primary_->url("postgres"), "CREATE DATABASE app");
    project_.remove("migrations/core/0002_fill.sql");
    project_.write("trellis.toml", "[env.dev]\ndatabase = \"" + primary_->url("app") + "\"\nmax_replica_lag = \"" +
                                       max + "\"\n");
    project_.write_migration("core", "0001_accounts.sql",
                             "-- +up\nCREATE TABLE accounts (id bigint PRIMARY KEY, n int NOT NULL DEFAULT 0);\n"
                             "INSERT INTO accounts (id) SELECT generate_series(1, 40);\n");
    ASSERT_EQ(project_.run({"apply"}).exit_code, 0);
    if (max != "0") {
      ASSERT_TRUE(lag_is_measured()) << "the primary never measured the replica's lag";
    }
    project_.write_migration("core", "0002_fill.sql",
                             "-- phase: backfill\n-- batch: table=accounts key=id size=5 pause=150ms\n-- +up\n"
                             "UPDATE accounts SET n = n + 1 WHERE id > :lo AND id <= :hi;\n");
    RunResult r = project_.run({"apply"});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(PgServer::query(primary_->url("app"), "SELECT count(*) FROM accounts WHERE n = 1").at(0), "40");
    bool throttled = r.out.find("throttled: replica lag") != std::string::npos;
    EXPECT_EQ(throttled, max != "0") << r.out;
    if (throttled) {
      EXPECT_NE(r.out.find("replicas caught up after"), std::string::npos) << r.out;
    }
  }
}

// The standby's own URL is refused: it has no replicas and cannot be migrated.
TEST_F(ReplicasTest, AStandbyIsNotAPrimary) {
  project_.write_simple_config(replica_->url("app"));
  RunResult r = project_.run({"apply", "--wait-replicas"});
  EXPECT_NE(r.exit_code, 0) << r.describe();
  EXPECT_EQ(PgServer::query(primary_->url("app"), "SELECT to_regclass('trellis.migrations') IS NULL").at(0), "t");
}

}  // namespace
}  // namespace trellis_test

namespace trellis_test {
namespace {

// plan and status warn of a pending ACCESS EXCLUSIVE lock on an existing table while the
// primary has a streaming replica (the lock replays there and waits for its queries), and
// not of one on a table the pending migrations create, nor of a weaker lock.
TEST_F(ReplicasTest, PlanAndStatusWarnOfExclusiveLocksThatReplay) {
  ASSERT_EQ(project_.run({"apply"}).exit_code, 0);
  project_.write_migration("core", "0002_email.sql", "-- +up\nALTER TABLE accounts ADD COLUMN email text;\n");
  project_.write_migration("core", "0003_orders.sql",
                           "-- +up\nCREATE TABLE orders (id bigint);\nALTER TABLE orders ADD COLUMN total numeric;\n");
  project_.write_migration("core", "0004_index.sql",
                           "-- transaction: false\n-- +up\nCREATE INDEX CONCURRENTLY accounts_id ON accounts (id);\n");
  RunResult plan = project_.run({"plan"});
  EXPECT_EQ(plan.exit_code, 0) << plan.describe();
  std::string all = plan.out + plan.err;
  EXPECT_NE(all.find("core/0002_email takes ACCESS EXCLUSIVE on accounts, which replays on 1 streaming replica"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("max_standby_streaming_delay"), std::string::npos) << all;
  EXPECT_EQ(all.find("core/0003_orders takes"), std::string::npos) << "orders is created by the plan:\n" << all;
  EXPECT_EQ(all.find("core/0004_index takes"), std::string::npos) << "SHARE UPDATE EXCLUSIVE does not replay:\n" << all;

  RunResult json = project_.run({"plan", "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.describe();
  nlohmann::json doc = nlohmann::json::parse(json.out);
  int replica_warnings = 0;
  for (const auto& w : doc["warnings"]) {
    if (w["kind"] != "replica-lock") continue;
    ++replica_warnings;
    EXPECT_EQ(w["id"], "core/0002_email");
  }
  EXPECT_EQ(replica_warnings, 1) << doc.dump(2);

  RunResult status = project_.run({"status"});
  EXPECT_NE((status.out + status.err).find("core/0002_email takes ACCESS EXCLUSIVE on accounts"), std::string::npos)
      << status.describe();

  // On the replica itself (a standby has no replicas): no such warning.
  project_.write_simple_config(replica_->url("app"));
  RunResult on_standby = project_.run({"status"});
  EXPECT_EQ((on_standby.out + on_standby.err).find("replays on"), std::string::npos) << on_standby.describe();
}

}  // namespace
}  // namespace trellis_test
