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

// `new` writes both sections with a comment saying what goes there; as written, the file
// is valid (an up without SQL is a no-op, the down "nothing to undo").
TEST_P(InitNewTest, NewWritesBothSectionsWithGuidance) {
  project_.write_simple_config(db_->url());
  RunResult created = project_.run({"new", "billing", "invoices"});
  ASSERT_EQ(created.exit_code, 0) << created.describe();
  std::string text = read_file(project_.path("migrations/billing/0001_invoices.sql"));
  ASSERT_NE(text.find("-- +up\n-- The SQL that makes the change"), std::string::npos) << text;
  EXPECT_NE(text.find("\n-- +down\n-- The SQL that undoes"), std::string::npos) << text;
  EXPECT_NE(text.find("-- +down irreversible"), std::string::npos) << "names the way to say forward-only";
  RunResult apply = project_.run({"apply"});
  ASSERT_EQ(apply.exit_code, 0) << apply.describe();
  RunResult rollback = project_.run({"rollback", "--yes", "billing/0001_invoices", "--dry-run"});
  EXPECT_EQ(rollback.exit_code, 0) << rollback.describe();
  EXPECT_NE(rollback.out.find("nothing to undo"), std::string::npos) << rollback.describe();
}

// A --requires that names no migration is refused before anything is written: it would
// make every later command fail on the new file.
TEST_P(InitNewTest, NewRefusesADanglingRequires) {
  project_.write_simple_config(db_->url());
  project_.write_migration("core", "0001_init.sql", migration("", "CREATE TABLE core_t (id integer);"));
  RunResult dangling = project_.run({"new", "billing", "invoices", "--requires", "core/0099"});
  EXPECT_EQ(dangling.exit_code, 2) << dangling.describe();
  EXPECT_NE(dangling.err.find("--requires core/0099: no such migration"), std::string::npos) << dangling.describe();
  EXPECT_NE(dangling.err.find("core/0001_init"), std::string::npos) << "lists the feature's migrations";
  RunResult no_feature = project_.run({"new", "billing", "invoices", "--requires", "crm/0001"});
  EXPECT_EQ(no_feature.exit_code, 2) << no_feature.describe();
  EXPECT_NE(no_feature.err.find("no feature 'crm'"), std::string::npos) << no_feature.describe();
  RunResult wrong_slug = project_.run({"new", "billing", "invoices", "--requires", "core/0001_other"});
  EXPECT_EQ(wrong_slug.exit_code, 2) << wrong_slug.describe();
  EXPECT_FALSE(file_exists(project_.path("migrations/billing"))) << "nothing written";
  RunResult short_form = project_.run({"new", "billing", "invoices", "--requires", "core/0001"});
  ASSERT_EQ(short_form.exit_code, 0) << short_form.describe();
  EXPECT_NE(read_file(project_.path("migrations/billing/0001_invoices.sql")).find("-- requires: core/0001"),
            std::string::npos);
  EXPECT_EQ(project_.run({"plan"}).exit_code, 0);
}

TRELLIS_BACKENDS(InitNewTest);

}  // namespace
}  // namespace trellis_test
