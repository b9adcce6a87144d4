// isolation_test.cc — a failed migration blocks only its own dependents (scenario 1).
#include "harness.h"

namespace trellis_test {
namespace {

class IsolationTest : public BackendTest {
 protected:
  // alpha/0001 fails on its second statement; alpha/0002 (same chain) and beta/0001
  // (requires alpha/0001) depend on it; gamma is independent and must still apply.
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    project_.write_simple_config(db_->url());
    project_.write_migration("core", "0001_init.sql",
                             migration("", "CREATE TABLE core_users (id integer primary key);",
                                       "DROP TABLE core_users;"));
    bad_alpha_ = migration("-- requires: core/0001\n-- phase: expand",
                           "CREATE TABLE alpha_one (id integer);\n"
                           "INSERT INTO no_such_table VALUES (1);",
                           "DROP TABLE alpha_one;");
    project_.write_migration("alpha", "0001_start.sql", bad_alpha_);
    project_.write_migration("alpha", "0002_more.sql",
                             migration("", "CREATE TABLE alpha_two (id integer);"));
    project_.write_migration("beta", "0001_uses_alpha.sql",
                             migration("-- requires: alpha/0001_start",
                                       "CREATE TABLE beta_one (id integer);"));
    project_.write_migration("gamma", "0001_first.sql",
                             migration("", "CREATE TABLE gamma_one (id integer);"));
    project_.write_migration("gamma", "0002_second.sql",
                             migration("", "CREATE TABLE gamma_two (id integer);"));
  }

  int bad_line() const { return line_of(bad_alpha_, "no_such_table"); }

  std::string bad_alpha_;
};

const char* const kAlphaFile = "migrations/alpha/0001_start.sql";

TEST_P(IsolationTest, FailureBlocksOnlyDependentsAndIndependentFeaturesApply) {
  RunResult apply = project_.run({"apply"});
  ASSERT_EQ(apply.exit_code, 1) << apply.describe();
  std::string output = apply.out + apply.err;
  EXPECT_NE(output.find("alpha/0001_start"), std::string::npos) << apply.describe();
  EXPECT_NE(output.find("statement 2"), std::string::npos) << apply.describe();
  EXPECT_TRUE(mentions_line(output, kAlphaFile, bad_line())) << apply.describe();
  EXPECT_NE(output.find("alpha/0002_more"), std::string::npos) << "blocked one not reported\n"
                                                               << apply.describe();
  EXPECT_NE(output.find("beta/0001_uses_alpha"), std::string::npos) << apply.describe();

  EXPECT_EQ(db_->applied_ids(), (std::vector<std::string>{"core/0001_init", "gamma/0001_first",
                                                          "gamma/0002_second"}));
  EXPECT_EQ(db_->tables(),
            (std::vector<std::string>{"core_users", "gamma_one", "gamma_two"}));
  EXPECT_FALSE(db_->has_table("alpha_one")) << "failed migration not rolled back";
  EXPECT_EQ(db_->history_count("alpha/0001_start", "fail"), 1);
  EXPECT_EQ(db_->history_count("alpha/0001_start", "apply"), 0);
  std::string error = db_->state_error("alpha/0001_start");
  EXPECT_NE(error.find("statement 2"), std::string::npos) << error;
  EXPECT_TRUE(mentions_line(error, kAlphaFile, bad_line())) << error;
}

TEST_P(IsolationTest, StatusJsonShowsFailedAndBlocked) {
  ASSERT_EQ(project_.run({"apply"}).exit_code, 1);
  RunResult status = project_.run({"status", "--json"});
  ASSERT_EQ(status.exit_code, 0) << status.describe();
  nlohmann::json doc = parse_json(status.out);
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(doc.value("environment", ""), "dev");
  auto states = states_of(doc);
  EXPECT_EQ(states["core/0001_init"], "applied");
  EXPECT_EQ(states["alpha/0001_start"], "failed");
  EXPECT_EQ(states["alpha/0002_more"], "blocked");
  EXPECT_EQ(states["beta/0001_uses_alpha"], "blocked");
  EXPECT_EQ(states["gamma/0001_first"], "applied");
  EXPECT_EQ(states["gamma/0002_second"], "applied");

  nlohmann::json failed = find_id(doc["migrations"], "alpha/0001_start");
  ASSERT_TRUE(failed.is_object());
  std::string error = failed.value("error", "");
  EXPECT_NE(error.find("statement 2"), std::string::npos) << error;
  EXPECT_TRUE(mentions_line(error, kAlphaFile, bad_line())) << error;

  for (const auto& feature : doc["features"]) {
    std::string name = feature.value("name", "");
    if (name == "alpha") {
      EXPECT_EQ(feature.value("failed", -1), 1);
      EXPECT_EQ(feature.value("blocked", -1), 1);
      EXPECT_EQ(feature.value("applied", -1), 0);
    } else if (name == "beta") {
      EXPECT_EQ(feature.value("blocked", -1), 1);
    } else if (name == "gamma") {
      EXPECT_EQ(feature.value("applied", -1), 2);
      EXPECT_EQ(feature.value("pending", -1), 0);
      EXPECT_EQ(feature["head"], "gamma/0002_second");
    }
  }
  EXPECT_EQ(doc["features"].size(), 4u);
}

TEST_P(IsolationTest, ApplyJsonReportsEachResult) {
  RunResult apply = project_.run({"apply", "--json"});
  ASSERT_EQ(apply.exit_code, 1) << apply.describe();
  nlohmann::json doc = parse_json(apply.out);
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(doc.value("applied", -1), 3);
  EXPECT_EQ(doc.value("failed", -1), 1);
  EXPECT_EQ(doc.value("blocked", -1), 2);
  nlohmann::json failed = find_id(doc["results"], "alpha/0001_start");
  ASSERT_TRUE(failed.is_object()) << apply.out;
  EXPECT_EQ(failed.value("result", ""), "failed");
  EXPECT_EQ(failed["statement"], 2);
  EXPECT_EQ(failed["line"], bad_line());
  EXPECT_EQ(find_id(doc["results"], "alpha/0002_more").value("result", ""), "blocked");
  EXPECT_EQ(find_id(doc["results"], "beta/0001_uses_alpha").value("result", ""), "blocked");
  EXPECT_EQ(find_id(doc["results"], "gamma/0002_second").value("result", ""), "applied");
}

TEST_P(IsolationTest, FixingTheFileAppliesTheRest) {
  ASSERT_EQ(project_.run({"apply"}).exit_code, 1);
  project_.write_migration("alpha", "0001_start.sql",
                           migration("-- requires: core/0001\n-- phase: expand",
                                     "CREATE TABLE alpha_one (id integer);",
                                     "DROP TABLE alpha_one;"));
  RunResult apply = project_.run({"apply"});
  ASSERT_EQ(apply.exit_code, 0) << apply.describe();
  EXPECT_EQ(db_->applied_ids(),
            (std::vector<std::string>{"alpha/0001_start", "alpha/0002_more",
                                      "beta/0001_uses_alpha", "core/0001_init",
                                      "gamma/0001_first", "gamma/0002_second"}));
  EXPECT_EQ(db_->tables(), (std::vector<std::string>{"alpha_one", "alpha_two", "beta_one",
                                                     "core_users", "gamma_one", "gamma_two"}));
  // Applied once each; the failure stays in the history.
  EXPECT_EQ(db_->history_count("gamma/0001_first", "apply"), 1);
  EXPECT_EQ(db_->history_count("alpha/0001_start", "fail"), 1);
  EXPECT_EQ(db_->history_count("alpha/0001_start", "apply"), 1);

  RunResult again = project_.run({"apply"});
  EXPECT_EQ(again.exit_code, 0) << again.describe();
  EXPECT_EQ(db_->history().size(), 7u) << "a second apply must do nothing";
}

TRELLIS_BACKENDS(IsolationTest);

}  // namespace
}  // namespace trellis_test
