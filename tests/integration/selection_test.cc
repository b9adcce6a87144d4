// selection_test.cc — apply --feature, --to and --fail-fast.
#include "harness.h"

namespace trellis_test {
namespace {

class SelectionTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    project_.write_simple_config(db_->url());
    for (const char* file : {"0001_a.sql", "0002_b.sql", "0003_c.sql"}) {
      std::string table = std::string("core_") + file[5];
      project_.write_migration("core", file, migration("", "CREATE TABLE " + table + " (id integer);"));
    }
    project_.write_migration("gamma", "0001_g.sql",
                             migration("", "CREATE TABLE gamma_g (id integer);"));
    project_.write_migration("zeta", "0001_z.sql",
                             migration("", "CREATE TABLE zeta_z (id integer);"));
  }
};

TEST_P(SelectionTest, FeatureSelectsOnlyThatFeature) {
  RunResult apply = project_.run({"apply", "--feature", "gamma"});
  ASSERT_EQ(apply.exit_code, 0) << apply.describe();
  EXPECT_EQ(db_->applied_ids(), std::vector<std::string>{"gamma/0001_g"});
  EXPECT_EQ(db_->tables(), std::vector<std::string>{"gamma_g"});

  RunResult two = project_.run({"apply", "--feature", "zeta", "--feature", "gamma"});
  ASSERT_EQ(two.exit_code, 0) << two.describe();
  EXPECT_EQ(db_->applied_ids(), (std::vector<std::string>{"gamma/0001_g", "zeta/0001_z"}));
}

TEST_P(SelectionTest, ToStopsAtTheTarget) {
  RunResult apply = project_.run({"apply", "--to", "core/0002"});
  ASSERT_EQ(apply.exit_code, 0) << apply.describe();
  auto applied = db_->applied_ids();
  EXPECT_NE(std::find(applied.begin(), applied.end(), "core/0001_a"), applied.end());
  EXPECT_NE(std::find(applied.begin(), applied.end(), "core/0002_b"), applied.end());
  EXPECT_EQ(std::find(applied.begin(), applied.end(), "core/0003_c"), applied.end());
  EXPECT_FALSE(db_->has_table("core_c"));
}

TEST_P(SelectionTest, FailFastStopsAfterTheFirstFailure) {
  project_.write_migration("broken", "0001_fail.sql",
                           migration("", "INSERT INTO no_such_table VALUES (1);"));
  RunResult apply = project_.run({"apply", "--fail-fast", "--json"});
  EXPECT_EQ(apply.exit_code, 1) << apply.describe();
  nlohmann::json doc = parse_json(apply.out);
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(doc.value("failed", -1), 1);
  // Nothing runs after the failure: the rest is "not-run" (or "blocked" behind a
  // migration that was not run).
  bool after_failure = false;
  size_t skipped = 0;
  for (const auto& result : doc["results"]) {
    std::string outcome = result.value("result", "");
    if (after_failure) {
      EXPECT_TRUE(outcome == "not-run" || outcome == "blocked") << result.dump();
      ++skipped;
    }
    after_failure = after_failure || outcome == "failed";
  }
  EXPECT_TRUE(after_failure) << apply.out;
  EXPECT_GT(skipped, 0u) << apply.out;
  EXPECT_EQ(db_->applied_ids().size() + 1 + skipped, 6u) << apply.out;
  EXPECT_EQ(static_cast<size_t>(doc.value("applied", -1)), db_->applied_ids().size());
}

TRELLIS_BACKENDS(SelectionTest);

}  // namespace
}  // namespace trellis_test
