// chunked_test.cc — COMMIT (and COMMIT AND CHAIN, END) inside a transactional migration
// cuts it into chunks that commit on their own, each with its progress and with the
// timeouts armed again; ROLLBACK is refused before anything runs (issue 10 §2).
#include "harness.h"

namespace trellis_test {
namespace {

class ChunkedTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    project_.write("trellis.toml", "[defaults]\nlock_timeout = \"1500ms\"\n[env.dev]\ndatabase = \"" +
                                       db_->url() + "\"\n");
  }
};

// The measured failure: after COMMIT AND CHAIN the SET LOCAL timeouts were gone, r1
// survived the "rolled back" failure, and the rerun failed with "r1 already exists".
TEST_P(ChunkedTest, EachChunkRunsWithTheTimeoutsArmed) {
  if (is_sqlite()) GTEST_SKIP() << "SQLite has no lock_timeout setting to read back";
  project_.write_migration("c", "0001_chunks.sql",
                           "-- +up\nCREATE TABLE r1 (id int);\nCOMMIT AND CHAIN;\n"
                           "DO $$ BEGIN IF current_setting('lock_timeout') <> '1500ms' THEN "
                           "RAISE EXCEPTION 'lock_timeout is %', current_setting('lock_timeout'); "
                           "END IF; END $$;\nCREATE TABLE r2 (id int);\n");
  RunResult apply = project_.run({"apply"});
  EXPECT_EQ(apply.exit_code, 0) << apply.describe();
  EXPECT_TRUE(db_->has_table("r1"));
  EXPECT_TRUE(db_->has_table("r2"));
  EXPECT_EQ(db_->history_count("c/0001_chunks", "apply"), 1);
}

TEST_P(ChunkedTest, AFailedChunkLeavesTheEarlierOnesCommittedAndTheRerunResumes) {
  const std::string file = "-- +up\nCREATE TABLE r1 (id integer);\nCOMMIT;\n"
                           "INSERT INTO r1 SELECT id FROM gate;\nCREATE TABLE r2 (id integer);\n";
  project_.write_migration("c", "0001_chunks.sql", file);
  RunResult apply = project_.run({"apply"});
  EXPECT_EQ(apply.exit_code, 1) << apply.describe();
  EXPECT_NE((apply.out + apply.err).find("statements 1-2 are committed"), std::string::npos)
      << apply.describe();
  EXPECT_TRUE(db_->has_table("r1")) << "the first chunk committed";
  EXPECT_FALSE(db_->has_table("r2"));
  EXPECT_EQ(db_->state_rows(), std::vector<std::string>{"c/0001_chunks|failed"});
  db_->query("CREATE TABLE gate (id integer)");
  db_->query("INSERT INTO gate VALUES (7)");
  RunResult rerun = project_.run({"apply"});
  EXPECT_EQ(rerun.exit_code, 0) << rerun.describe();
  EXPECT_EQ(db_->query("SELECT id FROM r1"), std::vector<std::string>{"7"});
  EXPECT_TRUE(db_->has_table("r2"));
  EXPECT_EQ(db_->applied_ids(), std::vector<std::string>{"c/0001_chunks"});
}

TEST_P(ChunkedTest, BeginAndCommitAroundAWholeMigrationAreOneTransaction) {
  project_.write_migration("c", "0001_wrapped.sql",
                           "-- +up\nBEGIN;\nCREATE TABLE w1 (id integer);\nCREATE TABLE w2 (x integer);\n"
                           "INSERT INTO nosuch VALUES (1);\nCOMMIT;\n");
  RunResult apply = project_.run({"apply"});
  EXPECT_EQ(apply.exit_code, 1) << apply.describe();
  EXPECT_FALSE(db_->has_table("w1")) << "one transaction: all or nothing";
}

TEST_P(ChunkedTest, RollbackInAMigrationIsRefusedBeforeAnythingRuns) {
  project_.write_migration("a", "0001_first.sql", "-- +up\nCREATE TABLE first_t (id integer);\n");
  const std::string file = "-- +up\nCREATE TABLE r1 (id integer);\nROLLBACK;\n";
  project_.write_migration("c", "0001_rollback.sql", file);
  RunResult apply = project_.run({"apply"});
  EXPECT_EQ(apply.exit_code, 2) << apply.describe();
  EXPECT_TRUE(mentions_line(apply.err, "migrations/c/0001_rollback.sql", 3)) << apply.describe();
  EXPECT_FALSE(db_->has_table("first_t")) << "nothing may run";
  RunResult lint = project_.run({"lint", "--offline"});
  EXPECT_EQ(lint.exit_code, 1) << lint.describe();
  EXPECT_NE(lint.out.find("transaction-nesting"), std::string::npos) << lint.describe();
}

TEST_P(ChunkedTest, NonTransactionalBeginCommitGroupsStatements) {
  project_.write_migration("c", "0001_group.sql",
                           "-- transaction: false\n-- +up\nCREATE TABLE g0 (id integer);\nBEGIN;\n"
                           "CREATE TABLE g1 (id integer);\nINSERT INTO nosuch VALUES (1);\nCOMMIT;\n");
  RunResult apply = project_.run({"apply"});
  EXPECT_EQ(apply.exit_code, 1) << apply.describe();
  EXPECT_TRUE(db_->has_table("g0"));
  EXPECT_FALSE(db_->has_table("g1")) << "the group is one transaction";
}

TEST_P(ChunkedTest, LintWarnsOfChunksAndAgreesWithApply) {
  project_.write_migration("c", "0001_chunks.sql",
                           "-- +up\nCREATE TABLE r1 (id integer);\nCOMMIT;\nCREATE TABLE r2 (id integer);\n");
  RunResult lint = project_.run({"lint", "--offline"});
  EXPECT_EQ(lint.exit_code, 0) << lint.describe();
  EXPECT_NE(lint.out.find("chunked-migration"), std::string::npos) << lint.describe();
  EXPECT_EQ(project_.run({"apply"}).exit_code, 0);
}

// SQLite refuses or ignores some PRAGMAs inside a transaction (journal_mode fails,
// foreign_keys does nothing): in a non-transactional section a PRAGMA runs on its own.
TEST_P(ChunkedTest, SqlitePragmaInANonTransactionalSectionTakesEffect) {
  if (!is_sqlite()) GTEST_SKIP() << "a SQLite statement";
  project_.write_migration("p", "0001_wal.sql",
                           "-- transaction: false\n-- +up\nPRAGMA journal_mode = WAL;\n"
                           "CREATE TABLE after_pragma (id integer);\n");
  RunResult apply = project_.run({"apply"});
  EXPECT_EQ(apply.exit_code, 0) << apply.describe();
  EXPECT_EQ(db_->query("PRAGMA journal_mode"), std::vector<std::string>{"wal"});
  EXPECT_TRUE(db_->has_table("after_pragma"));
}

TRELLIS_BACKENDS(ChunkedTest);

}  // namespace
}  // namespace trellis_test
