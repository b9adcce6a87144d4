// pgbouncer_test.cc — the runner lock through PgBouncer in transaction pooling mode
// (issue 14 §1): a session-level advisory lock means nothing there, so Trellis takes a
// fenced lease row instead. A real PgBouncer (pool_mode = transaction, pool size 3) runs
// in front of the test's own server.
#include <signal.h>

#include <thread>

#include "harness.h"
#include "pg_server.h"

namespace trellis_test {
namespace {

class PgBouncerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    TRELLIS_REQUIRE_OWN_PG_OR_SKIP(server);  // PgBouncer goes in front of its own server
    server_ = server;
    direct_ = server_->create_database();
    std::string why;
    pooled_ = server_->through_bouncer(direct_, 3, &why);
    if (pooled_.empty()) {
      if (postgres_required()) FAIL() << "PgBouncer required: " << why;
      GTEST_SKIP() << "PgBouncer unavailable: " << why;
    }
    server_->query(direct_, "CREATE TABLE ledger (id text)");
  }

  void configure(const std::string& settings) {
    project_.write("trellis.toml", "[defaults]\n" + settings + "\n[env.dev]\ndatabase = \"" +
                                       pooled_ + "\"\n");
  }
  // `count` migrations in features f0..f3, each inserting its id into the ledger.
  void write_ledger_migrations(int count, double sleep_seconds) {
    for (int i = 0; i < count; ++i) {
      std::string feature = "f" + std::to_string(i % 4);
      char number[16];
      std::snprintf(number, sizeof number, "%04d", i / 4 + 1);
      std::string id = feature + "/" + number + "_row";
      project_.write_migration(feature, std::string(number) + "_row.sql",
                               "-- +up\nINSERT INTO ledger VALUES ('" + id + "');\nSELECT pg_sleep(" +
                                   std::to_string(sleep_seconds) + ");\n");
    }
  }
  std::string scalar(const std::string& sql) {
    auto rows = server_->query(direct_, sql);
    return rows.empty() ? "" : rows[0];
  }
  // Starts `n` runners at once; returns their results.
  std::vector<RunResult> race(int n) {
    std::vector<std::unique_ptr<Child>> runners;
    for (int i = 0; i < n; ++i) runners.push_back(std::make_unique<Child>(project_.options({"apply"})));
    std::vector<RunResult> results;
    for (auto& r : runners) results.push_back(r->finish(milliseconds(120000)));
    return results;
  }

  PgServer* server_ = nullptr;
  std::string direct_, pooled_;
  TestProject project_;
};

// The measured failure: 8 runners through PgBouncer applied 40 of 40 migrations twice.
TEST_F(PgBouncerTest, EightRacingRunnersApplyEveryMigrationExactlyOnce) {
  configure("lock_wait = \"120s\"");
  write_ledger_migrations(40, 0.02);
  for (const RunResult& r : race(8)) EXPECT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(scalar("SELECT count(*) || '|' || count(DISTINCT id) FROM ledger"), "40|40");
  EXPECT_EQ(scalar("SELECT count(*) FROM trellis.history WHERE action = 'apply'"), "40");
}

TEST_F(PgBouncerTest, ApplySaysThePoolerIsThereAndUsesTheLease) {
  configure("");
  write_ledger_migrations(1, 0);
  RunResult apply = project_.run({"apply"});
  ASSERT_EQ(apply.exit_code, 0) << apply.describe();
  EXPECT_NE(apply.out.find("pooler"), std::string::npos) << apply.describe();
  EXPECT_EQ(scalar("SELECT count(*) FROM trellis.runner_lease"), "0") << "released at the end";
  RunResult status = project_.run({"status"});
  EXPECT_NE(status.out.find("goes through a pooler or proxy"), std::string::npos) << status.describe();
  project_.write("trellis.toml", "[env.dev]\ndatabase = \"" + direct_ + "\"\n");
  RunResult direct = project_.run({"status"});
  EXPECT_EQ(direct.out.find("pooler"), std::string::npos) << direct.describe();
}

// The same race with the session-level advisory lock forced: it cannot work through the
// pooler (so the race test above can fail), and the guarded bookkeeping turns what would be
// duplicates into refused writes.
TEST_F(PgBouncerTest, AdvisoryLockThroughThePoolerFailsTheSameRace) {
  configure("runner_lock = \"advisory\"\nlock_wait = \"15s\"");
  write_ledger_migrations(40, 0.02);
  int failed = 0;
  for (const RunResult& r : race(8)) {
    if (r.exit_code == 0) continue;
    ++failed;
    // Either two runners "held" the lock at once (the guarded write refuses the second),
    // or a session lock stayed on a pooled server connection and strands the others.
    EXPECT_EQ(r.exit_code, 3) << r.describe();
    bool explained = r.err.find("recorded by another runner") != std::string::npos ||
                     r.err.find("runner lock") != std::string::npos;
    EXPECT_TRUE(explained) << r.describe();
  }
  EXPECT_GT(failed, 0) << "8 runners raced through the pooler and none noticed another";
  EXPECT_EQ(scalar("SELECT count(*) || '|' || count(DISTINCT id) FROM ledger"),
            scalar("SELECT count(*) || '|' || count(*) FROM ledger"))
      << "a migration ran twice";
  EXPECT_EQ(scalar("SELECT count(*) FROM trellis.migrations WHERE status = 'applied'"),
            scalar("SELECT count(*) FROM trellis.history WHERE action = 'apply'"))
      << "a migration was recorded applied twice";
}

// kill -9 of the holder: another runner takes over after the lease expires, never before.
TEST_F(PgBouncerTest, KilledHolderIsTakenOverAfterExpiryAndNotBefore) {
  configure("lease_ttl = \"3s\"");
  project_.write_migration("slow", "0001_sleep.sql",
                           "-- +up\nINSERT INTO ledger VALUES ('slow');\nSELECT pg_sleep(6);\n");
  Child holder(project_.options({"apply"}));
  ASSERT_TRUE(holder.wait_until([&] { return scalar("SELECT count(*) FROM pg_stat_activity WHERE "
                                                    "query LIKE '%pg_sleep(6)%' AND state = 'active' "
                                                    "AND pid <> pg_backend_pid()") == "1"; },
                                milliseconds(15000)))
      << holder.finish(milliseconds(1000)).describe();
  holder.kill_now(SIGKILL);
  holder.finish(milliseconds(5000));
  double left = std::stod(scalar("SELECT extract(epoch FROM expires_at - clock_timestamp()) FROM "
                                 "trellis.runner_lease"));
  ASSERT_GT(left, 0.5) << "the lease should still be valid right after the kill";
  RunResult early = project_.run({"apply", "--lock-wait", "200ms"});
  EXPECT_EQ(early.exit_code, 3) << early.describe();
  EXPECT_NE(early.err.find("lease expires in"), std::string::npos) << early.describe();
  RunResult later = project_.run({"apply", "--lock-wait", "10s"});
  EXPECT_EQ(later.exit_code, 0) << later.describe();
  EXPECT_EQ(scalar("SELECT count(*) FROM trellis.migrations WHERE status = 'applied'"), "1");
  for (int i = 0; i < 200 && scalar("SELECT count(*) FROM pg_stat_activity WHERE query LIKE "
                                    "'%pg_sleep(6)%' AND pid <> pg_backend_pid()") != "0"; ++i) {
    std::this_thread::sleep_for(milliseconds(50));
  }
  EXPECT_EQ(scalar("SELECT count(*) FROM ledger"), "1");
}

// The measured failure: a runner stopped with SIGSTOP and a second one started after it
// duplicated 21 of 40 migrations. The second takes over once the lease expires; the first,
// resumed, is fenced off: it can no longer record anything, and exits 3.
TEST_F(PgBouncerTest, StalledRunnerIsFencedOffAfterATakeover) {
  configure("lease_ttl = \"2s\"");
  write_ledger_migrations(40, 0.05);
  Child first(project_.options({"apply"}));
  ASSERT_TRUE(first.wait_until([&] { return scalar("SELECT count(*) FROM ledger") != "0"; },
                               milliseconds(20000)));
  kill(first.pid(), SIGSTOP);
  std::this_thread::sleep_for(milliseconds(2500));  // past the lease
  RunResult second = project_.run({"apply", "--lock-wait", "10s"});
  EXPECT_EQ(second.exit_code, 0) << second.describe();
  kill(first.pid(), SIGCONT);
  RunResult resumed = first.finish(milliseconds(30000));
  EXPECT_EQ(resumed.exit_code, 3) << resumed.describe();
  EXPECT_NE(resumed.err.find("lost the runner lease"), std::string::npos) << resumed.describe();
  EXPECT_EQ(scalar("SELECT count(*) || '|' || count(DISTINCT id) FROM ledger"), "40|40");
  EXPECT_EQ(scalar("SELECT count(*) FROM trellis.history WHERE action = 'apply'"), "40");
}

}  // namespace
}  // namespace trellis_test
