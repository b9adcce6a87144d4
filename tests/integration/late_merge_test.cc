// late_merge_test.cc — migrations merged late, across features and inside one (scenario 3).
#include "harness.h"

namespace trellis_test {
namespace {

std::string create(const std::string& table) {
  return migration("", "CREATE TABLE " + table + " (id integer);", "DROP TABLE " + table + ";");
}

class LateMergeTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    project_.write_simple_config(db_->url());
    project_.write_migration("a", "20260101000000_first.sql", create("a_first"));
    project_.write_migration("a", "20260301000000_third.sql", create("a_third"));
    project_.write_migration("b", "20251201000000_early.sql", create("b_early"));
    RunResult apply = project_.run({"apply"});
    ASSERT_EQ(apply.exit_code, 0) << apply.describe();
    ASSERT_EQ(db_->applied_ids().size(), 3u);
  }

  static bool has_out_of_order(const nlohmann::json& doc, const std::string& id) {
    for (const char* key : {"warnings", "held_back", "findings"}) {
      if (!doc.contains(key)) continue;
      for (const auto& entry : doc[key]) {
        if (entry.value("id", "") != id) continue;
        if (entry.value("kind", "") == "out-of-order" ||
            entry.value("reason", "") == "out-of-order") {
          return true;
        }
      }
    }
    return false;
  }
};

TEST_P(LateMergeTest, OlderMigrationOfAnotherFeatureAppliesWithoutReordering) {
  // Created after a/20260301 was applied, numbered before it, in another feature.
  project_.write_migration("b", "20260201000000_second.sql", create("b_second"));
  RunResult plan = project_.run({"plan", "--json"});
  ASSERT_EQ(plan.exit_code, 0) << plan.describe();
  nlohmann::json doc = parse_json(plan.out);
  ASSERT_TRUE(find_id(doc["pending"], "b/20260201000000_second").is_object()) << plan.out;
  EXPECT_TRUE(doc["held_back"].empty()) << plan.out;
  EXPECT_TRUE(doc["warnings"].empty()) << plan.out;

  RunResult apply = project_.run({"apply"});
  ASSERT_EQ(apply.exit_code, 0) << apply.describe();
  EXPECT_EQ(db_->applied_ids(),
            (std::vector<std::string>{"a/20260101000000_first", "a/20260301000000_third",
                                      "b/20251201000000_early", "b/20260201000000_second"}));
  EXPECT_TRUE(db_->has_table("b_second"));
  // No file was renamed or renumbered.
  EXPECT_TRUE(file_exists(project_.path("migrations/b/20260201000000_second.sql")));
  nlohmann::json status = parse_json(project_.run({"status", "--json"}).out);
  EXPECT_TRUE(status["warnings"].empty()) << status.dump();
}

TEST_P(LateMergeTest, LateMergeInsideOneFeatureIsReportedAndRefused) {
  project_.write_migration("a", "20260201000000_second.sql", create("a_second"));
  project_.write_migration("c", "0001_other.sql", create("c_other"));
  const std::string id = "a/20260201000000_second";

  nlohmann::json plan = parse_json(project_.run({"plan", "--json"}).out);
  EXPECT_TRUE(has_out_of_order(plan, id)) << plan.dump();
  EXPECT_TRUE(find_id(plan["pending"], id).is_null()) << plan.dump();

  RunResult check = project_.run({"check", "--json"});
  nlohmann::json findings = parse_json(check.out);
  EXPECT_TRUE(has_out_of_order(findings, id)) << check.describe();

  RunResult apply = project_.run({"apply"});
  EXPECT_EQ(apply.exit_code, 2) << apply.describe();
  EXPECT_NE(apply.err.find(id), std::string::npos) << apply.describe();
  EXPECT_NE(apply.err.find("--allow-out-of-order"), std::string::npos) << apply.describe();
  EXPECT_EQ(db_->applied_ids().size(), 3u) << "nothing may be applied";
  EXPECT_FALSE(db_->has_table("a_second"));
  EXPECT_FALSE(db_->has_table("c_other"));

  RunResult allowed = project_.run({"apply", "--allow-out-of-order"});
  ASSERT_EQ(allowed.exit_code, 0) << allowed.describe();
  EXPECT_TRUE(db_->has_table("a_second"));
  EXPECT_TRUE(db_->has_table("c_other"));
  EXPECT_EQ(db_->applied_ids().size(), 5u);
  EXPECT_EQ(db_->history_count(id, "apply"), 1);
}

TRELLIS_BACKENDS(LateMergeTest);

}  // namespace
}  // namespace trellis_test
