// exactly_once_test.cc — a statement of a non-transactional migration runs exactly once,
// also when the runner is killed, its backend terminated or the server restarted in the
// middle of it (issue 10 §1). Ordinary statements commit together with their progress;
// CREATE INDEX CONCURRENTLY is judged from the database's state on resume.
#include <signal.h>

#include <thread>

#include "harness.h"
#include "pg_ledger_fixture.h"
#include "pg_lock_holder.h"

namespace trellis_test {
namespace {

class PgExactlyOnce : public PgLedgerFixture<::testing::Test> {
 protected:
  void SetUp() override { set_up("lock_timeout = \"1s\"\nlock_retries = 1"); }

  // Waits until trellis' backend runs a statement containing `text` (e.g. waiting on a lock).
  bool wait_for_backend(Child& child, const std::string& text) {
    return child.wait_until([&] { return !backend_pid(text).empty(); }, milliseconds(15000));
  }
  bool wait_index_valid(const std::string& index) {
    for (int i = 0; i < 300; ++i) {
      if (scalar("SELECT coalesce((SELECT indisvalid::text FROM pg_index WHERE indexrelid = "
                 "to_regclass('" + index + "')), '')") == "true") {
        return true;
      }
      std::this_thread::sleep_for(milliseconds(50));
    }
    return false;
  }
  int index_count() { return std::stoi(scalar("SELECT count(*) FROM pg_index WHERE indrelid = 't'::regclass")); }
};

const char* kNamedIndex =
    "-- transaction: false\n-- lock-timeout: 10s\n-- +up\nCREATE INDEX CONCURRENTLY t_a_idx ON t (a);\n"
    "INSERT INTO ledger VALUES ('after');\n";

// The measured failure: PostgreSQL finishes the build after the client died; every later
// apply ran it again and failed with "relation t_a_idx already exists".
TEST_F(PgExactlyOnce, ConcurrentIndexFinishedAfterAKillIsNotBuiltAgain) {
  project_.write_migration("ix", "0001_index.sql", kNamedIndex);
  {
    LockHolder holder(db_->url(), "LOCK TABLE t IN ROW EXCLUSIVE MODE", milliseconds(1500));
    Child runner(project_.options({"apply"}));
    ASSERT_TRUE(wait_for_backend(runner, "CREATE INDEX CONCURRENTLY")) << runner.finish(milliseconds(1000)).describe();
    runner.kill_now(SIGKILL);
    ASSERT_EQ(runner.finish(milliseconds(5000)).signal, SIGKILL);
  }
  ASSERT_TRUE(wait_index_valid("t_a_idx")) << "the server did not finish the build";
  RunResult next = project_.run({"apply"});
  EXPECT_EQ(next.exit_code, 0) << next.describe();
  EXPECT_NE(next.out.find("exists, is valid and has the statement's definition"), std::string::npos)
      << next.describe();
  EXPECT_EQ(db_->applied_ids(), std::vector<std::string>{"ix/0001_index"});
  EXPECT_EQ(scalar("SELECT count(*) FROM ledger"), "1");
  EXPECT_EQ(index_count(), 1);
}

TEST_F(PgExactlyOnce, UnnamedConcurrentIndexFinishedAfterAKillIsNotBuiltTwice) {
  project_.write_migration("ix", "0001_index.sql",
                           "-- transaction: false\n-- lock-timeout: 10s\n-- +up\n"
                           "CREATE INDEX CONCURRENTLY ON t (a) WHERE a > 10;\n");
  {
    LockHolder holder(db_->url(), "LOCK TABLE t IN ROW EXCLUSIVE MODE", milliseconds(1500));
    Child runner(project_.options({"apply"}));
    ASSERT_TRUE(wait_for_backend(runner, "CREATE INDEX CONCURRENTLY")) << runner.finish(milliseconds(1000)).describe();
    runner.kill_now(SIGKILL);
    ASSERT_EQ(runner.finish(milliseconds(5000)).signal, SIGKILL);
  }
  ASSERT_TRUE(wait_index_valid("t_a_idx"));
  RunResult next = project_.run({"apply"});
  EXPECT_EQ(next.exit_code, 0) << next.describe();
  EXPECT_EQ(index_count(), 1) << "the index was built a second time";
}

// A valid index of the same name but another definition is not taken for the statement's.
TEST_F(PgExactlyOnce, ValidIndexOfAnotherDefinitionIsNotTakenAsDone) {
  project_.write_migration("ix", "0001_index.sql", kNamedIndex);
  RunResult first = project_.run({"apply"});  // creates the state tables
  ASSERT_EQ(first.exit_code, 0) << first.describe();
  // Pretend an interrupted run: progress 0, and a same-named index on another column.
  db_->query("UPDATE trellis.migrations SET status = 'running', statements_done = 0");
  db_->query("DROP INDEX t_a_idx");
  db_->query("ALTER TABLE t ADD COLUMN b int");
  db_->query("CREATE INDEX t_a_idx ON t (b)");
  RunResult next = project_.run({"apply"});
  EXPECT_EQ(next.exit_code, 1) << next.describe();
  EXPECT_NE((next.out + next.err).find("is defined as `CREATE INDEX t_a_idx ON public.t USING btree (b)`"),
            std::string::npos) << next.describe();
  EXPECT_EQ(scalar("SELECT count(*) FROM ledger"), "1") << "nothing after it may run";
}

// The measured failure: an INSERT committed before its progress row was written (the
// write waited behind a user's lock on trellis.migrations); the next apply ran it again.
TEST_F(PgExactlyOnce, StatementCommittedBeforeItsProgressIsNeverRunTwice) {
  project_.write_migration("led", "0001_rows.sql",
                           "-- transaction: false\n-- +up\n"
                           "INSERT INTO ledger SELECT 'x' FROM pg_sleep(1.5);\n"
                           "INSERT INTO ledger VALUES ('y');\n");
  {
    Child runner(project_.options({"apply"}));
    ASSERT_TRUE(wait_for_backend(runner, "pg_sleep")) << runner.finish(milliseconds(1000)).describe();
    LockHolder holder(db_->url(), "LOCK TABLE trellis.migrations IN SHARE MODE", milliseconds(2500));
    std::this_thread::sleep_for(milliseconds(1800));
    runner.kill_now(SIGKILL);
    ASSERT_EQ(runner.finish(milliseconds(5000)).signal, SIGKILL);
  }
  RunResult next = project_.run({"apply"});
  EXPECT_EQ(next.exit_code, 0) << next.describe();
  EXPECT_EQ(db_->query("SELECT v, count(*) FROM ledger GROUP BY v ORDER BY v"),
            (std::vector<std::string>{"x|1", "y|1"}));
}

// Without the kill: trellis' own write times out behind the user's lock, the migration
// fails naming itself, and what it ran was rolled back with it.
TEST_F(PgExactlyOnce, ProgressWriteBehindAUserLockFailsTheMigrationWithoutDuplicates) {
  project_.write_migration("led", "0001_rows.sql",
                           "-- transaction: false\n-- +up\n"
                           "INSERT INTO ledger SELECT 'x' FROM pg_sleep(0.5);\n"
                           "INSERT INTO ledger VALUES ('y');\n");
  project_.write_migration("other", "0001_t.sql", "-- +up\nCREATE TABLE other_t (id int);\n");
  ASSERT_EQ(project_.run({"apply", "--feature", "other"}).exit_code, 0);
  {
    Child runner(project_.options({"apply"}));
    ASSERT_TRUE(wait_for_backend(runner, "pg_sleep")) << runner.finish(milliseconds(1000)).describe();
    LockHolder holder(db_->url(), "LOCK TABLE trellis.migrations IN SHARE MODE", milliseconds(8000));
    RunResult locked = runner.finish(milliseconds(20000));
    EXPECT_EQ(locked.exit_code, 1) << locked.describe();
    EXPECT_NE((locked.out + locked.err).find("led/0001_rows"), std::string::npos) << locked.describe();
    EXPECT_NE((locked.out + locked.err).find("lock timeout"), std::string::npos) << locked.describe();
    EXPECT_EQ(scalar("SELECT count(*) FROM ledger"), "0") << "the insert committed without its progress";
  }
  RunResult next = project_.run({"apply"});
  EXPECT_EQ(next.exit_code, 0) << next.describe();
  EXPECT_EQ(db_->query("SELECT v, count(*) FROM ledger GROUP BY v ORDER BY v"),
            (std::vector<std::string>{"x|1", "y|1"}));
}

// unix_socket_directories is readable by superusers only: telling a direct connection from
// a pooled one must not need it (nor any other privilege).
TEST_F(PgExactlyOnce, AnOrdinaryRoleCanApplyAndReadStatus) {
  // Roles belong to the whole server, which other tests share: one of this database's own.
  const std::string database = scalar("SELECT current_database()");
  const std::string role = "app_owner_" + database;
  db_->query("CREATE ROLE " + role + " LOGIN NOSUPERUSER");
  db_->query("GRANT CREATE ON DATABASE " + database + " TO " + role);
  db_->query("ALTER TABLE ledger OWNER TO " + role);
  std::string url = db_->url();
  url.replace(url.find("&user="), std::string::npos, "&user=" + role);
  project_.write("trellis.toml", "[env.dev]\ndatabase = \"" + url + "\"\n");
  project_.write_migration("led", "0001_rows.sql", "-- transaction: false\n-- +up\nINSERT INTO ledger VALUES ('x');\n");
  RunResult apply = project_.run({"apply"});
  EXPECT_EQ(apply.exit_code, 0) << apply.describe();
  EXPECT_EQ(apply.out.find("Runner lock: lease"), std::string::npos) << "a direct connection is not a pooler";
  RunResult status = project_.run({"status"});
  EXPECT_EQ(status.exit_code, 0) << status.describe();
  EXPECT_EQ(scalar("SELECT count(*) FROM ledger"), "1");
  db_->query("DROP OWNED BY " + role);
  db_->query("DROP ROLE " + role);
}

// A procedure (or DO block) that commits cannot run inside a transaction: it runs on its
// own, as a non-transactional section always ran it.
TEST_F(PgExactlyOnce, ProcedureThatCommitsRunsOutsideATransaction) {
  project_.write_migration("p", "0001_batches.sql",
                           "-- transaction: false\n-- +up\n"
                           "CREATE PROCEDURE fill() LANGUAGE plpgsql AS $$ BEGIN "
                           "INSERT INTO ledger VALUES ('a'); COMMIT; INSERT INTO ledger VALUES ('b'); COMMIT; END $$;\n"
                           "CALL fill();\n"
                           "DO $$ BEGIN INSERT INTO ledger VALUES ('c'); COMMIT; END $$;\n");
  RunResult apply = project_.run({"apply"});
  EXPECT_EQ(apply.exit_code, 0) << apply.describe();
  EXPECT_EQ(scalar("SELECT string_agg(v, ',' ORDER BY v) FROM ledger"), "a,b,c");
}

// The lease's fence must hold when transactions default to REPEATABLE READ, also for a
// migration that outlives a renewal of the lease.
TEST_F(PgExactlyOnce, LeaseFenceHoldsUnderRepeatableReadAcrossARenewal) {
  db_->query("ALTER DATABASE " + scalar("SELECT current_database()") +
             " SET default_transaction_isolation = 'repeatable read'");
  project_.write("trellis.toml", "[defaults]\nrunner_lock = \"lease\"\nlease_ttl = \"1500ms\"\n"
                                 "[env.dev]\ndatabase = \"" + db_->url() + "\"\n");
  project_.write_migration("slow", "0001_sleep.sql",
                           "-- +up\nINSERT INTO ledger VALUES ('s');\nSELECT pg_sleep(2);\n");
  RunResult apply = project_.run({"apply"});
  EXPECT_EQ(apply.exit_code, 0) << apply.describe();
  EXPECT_EQ(db_->applied_ids(), std::vector<std::string>{"slow/0001_sleep"});
}

}  // namespace
}  // namespace trellis_test
