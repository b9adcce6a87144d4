// untouched_test.cc — every option and setting is validated before anything touches the
// database: a run that exits 2 creates nothing (no SQLite file, no state tables), whatever
// it was refused for.
#include "harness.h"

namespace trellis_test {
namespace {

class UntouchedTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    project_.write("trellis.toml",
                   "[env.dev]\n"
                   "database = \"" + db_->url() + "\"\n"
                   "features = [\"core\"]\n");
    project_.write_migration("core", "0001_init.sql",
                             migration("", "CREATE TABLE core_users (id integer);"));
    project_.write_migration("search", "0001_index.sql",
                             migration("", "CREATE TABLE search_docs (id integer);"));
    project_.write_migration("search", "0002_terms.sql",
                             migration("", "CREATE TABLE search_terms (id integer);"));
  }

  std::string sqlite_path() const { return db_->url().substr(7); }

  // Nothing at all: no SQLite file, no state tables or user tables on PostgreSQL.
  void expect_untouched(const RunResult& result) {
    if (is_sqlite()) {
      EXPECT_FALSE(file_exists(sqlite_path())) << "the run created the database file\n" << result.describe();
    } else {
      EXPECT_FALSE(db_->state_exists()) << "the run created trellis' tables\n" << result.describe();
      EXPECT_TRUE(db_->tables().empty()) << result.describe();
    }
  }

  RunResult expect_refused(const std::vector<std::string>& args, const std::string& message) {
    RunResult result = project_.run(args);
    EXPECT_EQ(result.exit_code, 2) << result.describe();
    EXPECT_NE(result.err.find(message), std::string::npos) << "expected: " << message << "\n"
                                                           << result.describe();
    expect_untouched(result);
    return result;
  }
};

TEST_P(UntouchedTest, BadLockWaitIsRefusedBeforeConnecting) {
  expect_refused({"apply", "--lock-wait", "banana"}, "--lock-wait");
  expect_refused({"backfill", "resume", "core/0001_init", "--lock-wait", "banana"}, "--lock-wait");
}

TEST_P(UntouchedTest, UnknownTargetOfApply) {
  expect_refused({"apply", "--to", "core/0099"}, "core/0099");
}

TEST_P(UntouchedTest, UnknownFeatureOfApply) {
  expect_refused({"apply", "--feature", "nosuch"}, "nosuch");
  expect_refused({"apply", "--feature", "serach"}, "did you mean \"search\"?");
  expect_refused({"apply", "--to", "core/0001_int"}, "did you mean \"core/0001_init\"?");
  expect_refused({"-e", "deb", "apply"}, "did you mean \"dev\"?");
}

TEST_P(UntouchedTest, UnknownIdOfRollback) {
  expect_refused({"rollback", "core/0099"}, "core/0099");
}

TEST_P(UntouchedTest, UnknownIdOfStampAndAccept) {
  expect_refused({"stamp", "core/0099"}, "core/0099");
  expect_refused({"accept", "core/0099"}, "core/0099");
}

TEST_P(UntouchedTest, RefusedForgetAndRepairCreateNothing) {
  expect_refused({"forget", "core/0099", "--yes"}, "core/0099");
  expect_refused({"forget", "core/0001", "--yes"}, "core/0001_init has no row to forget");
  expect_refused({"forget", "core/0001"}, "core/0001_init has no row to forget");  // before asking
  expect_refused({"repair", "--lock-wait", "banana"}, "--lock-wait");
  expect_refused({"forget", "core/0001", "--lock-wait", "banana"}, "--lock-wait");
  RunResult nothing = project_.run({"repair"});  // nothing to repair: no --yes needed, nothing made
  EXPECT_EQ(nothing.exit_code, 0) << nothing.describe();
  expect_untouched(nothing);
}

TEST_P(UntouchedTest, SyntaxErrorCaughtInPreflight) {
  if (is_sqlite()) GTEST_SKIP() << "SQLite's splitter finds no syntax errors; they fail when run";
  project_.write_migration("core", "0002_bad.sql", migration("", "CREATE TABLE (;"));
  expect_refused({"apply"}, "migrations/core/0002_bad.sql");
}

TEST_P(UntouchedTest, ExistingDatabaseKeepsItsState) {
  // With a database that exists, the refused run still changes nothing in it.
  RunResult first = project_.run({"apply"});
  ASSERT_EQ(first.exit_code, 0) << first.describe();
  auto history = db_->history();
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"apply", "--lock-wait", "banana"}, {"apply", "--to", "core/0099"},
        {"rollback", "core/0099"}}) {
    RunResult r = project_.run(args);
    EXPECT_EQ(r.exit_code, 2) << r.describe();
  }
  EXPECT_EQ(db_->history(), history);
}

// An explicit target that the environment holds back is an error naming why (exit 2),
// not "Nothing to apply".
TEST_P(UntouchedTest, UnreachableTargetNamesTheReason) {
  for (const char* command : {"apply", "plan"}) {
    RunResult r = project_.run({command, "--to", "search/0002_terms"});
    EXPECT_EQ(r.exit_code, 2) << r.describe();
    std::string all = r.out + r.err;
    EXPECT_NE(all.find("search/0002_terms"), std::string::npos) << r.describe();
    EXPECT_NE(all.find("feature 'search' is not released in dev"), std::string::npos) << r.describe();
    expect_untouched(r);
  }
  RunResult by_feature = project_.run({"apply", "--feature", "search"});
  EXPECT_EQ(by_feature.exit_code, 2) << by_feature.describe();
  EXPECT_NE((by_feature.out + by_feature.err).find("not released"), std::string::npos) << by_feature.describe();
  expect_untouched(by_feature);
  // A reachable target still applies.
  RunResult core = project_.run({"apply", "--to", "core/0001_init"});
  EXPECT_EQ(core.exit_code, 0) << core.describe();
  EXPECT_EQ(db_->applied_ids(), std::vector<std::string>{"core/0001_init"});
  // With nothing left to apply, what is held back is counted by reason.
  RunResult nothing = project_.run({"apply"});
  EXPECT_EQ(nothing.exit_code, 0) << nothing.describe();
  EXPECT_NE(nothing.out.find("2 held back (2 unreleased-feature;"), std::string::npos) << nothing.describe();
}

TRELLIS_BACKENDS(UntouchedTest);

}  // namespace
}  // namespace trellis_test
