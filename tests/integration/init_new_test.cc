// init_new_test.cc — `trellis init` and `trellis new` produce a project that applies.
#include <regex>

#include "harness.h"

namespace trellis_test {
namespace {

class InitNewTest : public BackendTest {
 protected:
  RunResult run_in(const std::string& cwd, const std::vector<std::string>& args) {
    RunOptions options;
    options.args = args;
    options.cwd = cwd;
    return run_process(options);
  }

  // Puts `sql` right after the `-- +up` line of the file.
  void fill_up_section(const std::string& file, const std::string& sql) {
    std::string text = read_file(file);
    auto up = text.find("-- +up");
    ASSERT_NE(up, std::string::npos) << text;
    auto end_of_line = text.find('\n', up);
    ASSERT_NE(end_of_line, std::string::npos) << text;
    text.insert(end_of_line + 1, sql + "\n");
    write_file(file, text);
  }
};

TEST_P(InitNewTest, InitThenNewThenApply) {
  TempDir workspace;
  const std::string root = workspace.path() + "/shop";
  RunResult init = run_in(workspace.path(), {"init", "shop"});
  ASSERT_EQ(init.exit_code, 0) << init.describe();
  EXPECT_TRUE(file_exists(root + "/trellis.toml"));
  EXPECT_TRUE(file_exists(root + "/migrations"));

  RunResult first = run_in(root, {"new", "accounts", "create_users"});
  ASSERT_EQ(first.exit_code, 0) << first.describe();
  std::smatch match;
  std::string printed = first.out;
  ASSERT_TRUE(std::regex_search(printed, match,
                                std::regex("migrations/accounts/([0-9]+)_create_users\\.sql")))
      << first.describe();
  const std::string first_path = "migrations/accounts/" + match[1].str() + "_create_users.sql";
  const std::string first_id = "accounts/" + match[1].str() + "_create_users";
  ASSERT_TRUE(file_exists(root + "/" + first_path));
  fill_up_section(root + "/" + first_path, "CREATE TABLE users_from_new (id integer);");

  RunResult second = run_in(root, {"new", "accounts", "add_email", "--requires", first_id});
  ASSERT_EQ(second.exit_code, 0) << second.describe();
  std::string second_out = second.out;
  ASSERT_TRUE(std::regex_search(second_out, match,
                                std::regex("migrations/accounts/([0-9]+)_add_email\\.sql")))
      << second.describe();
  EXPECT_GT(std::stol(match[1].str()), std::stol(first_id.substr(9, first_id.find('_') - 9)))
      << "the next number of the feature";
  const std::string second_path = root + "/migrations/accounts/" + match[1].str() + "_add_email.sql";
  EXPECT_NE(read_file(second_path).find("-- requires: " + first_id), std::string::npos)
      << read_file(second_path);
  fill_up_section(second_path, "CREATE TABLE emails_from_new (id integer);");

  RunResult apply = run_in(root, {"--database", db_->url(), "apply"});
  ASSERT_EQ(apply.exit_code, 0) << apply.describe();
  EXPECT_TRUE(db_->has_table("users_from_new"));
  EXPECT_TRUE(db_->has_table("emails_from_new"));
  auto applied = db_->applied_ids();
  EXPECT_NE(std::find(applied.begin(), applied.end(), first_id), applied.end());
  EXPECT_GE(applied.size(), 3u) << "the example feature of init applies too";

  RunResult status = run_in(root, {"--database", db_->url(), "status", "--json"});
  ASSERT_EQ(status.exit_code, 0) << status.describe();
  for (const auto& [id, state] : states_of(parse_json(status.out))) {
    EXPECT_EQ(state, "applied") << id;
  }
}

TEST_P(InitNewTest, NewWithPhaseAndNoTransaction) {
  project_.write_simple_config(db_->url());
  RunResult created = project_.run({"new", "ops", "reindex", "--phase", "contract",
                                    "--no-transaction"});
  ASSERT_EQ(created.exit_code, 0) << created.describe();
  std::smatch match;
  std::string out = created.out;
  ASSERT_TRUE(std::regex_search(out, match, std::regex("migrations/ops/[0-9]+_reindex\\.sql")))
      << created.describe();
  std::string text = read_file(project_.path(match[0].str()));
  EXPECT_NE(text.find("-- phase: contract"), std::string::npos) << text;
  EXPECT_NE(text.find("-- transaction: false"), std::string::npos) << text;
  EXPECT_TRUE(db_->applied_ids().empty());
}

TRELLIS_BACKENDS(InitNewTest);

}  // namespace
}  // namespace trellis_test
