// Sqitch, with the real tool (issue 13): a Sqitch project written here in Sqitch's format
// (sqitch.conf, sqitch.plan with requires, a conflict, a tag and a reworked change;
// deploy, revert and verify scripts) is deployed by `sqitch deploy`, imported by trellis
// and applied to another database: both schemas are equal. `trellis adopt --from sqitch`
// on the Sqitch-deployed database then records exactly what Sqitch's registry says is
// deployed: this project's changes only (a registry holds every project's; the other
// project's table is drift until [drift] ignore names it), a reworked change once per
// deployed instance, nothing of a change reverted later. Skipped only when sqitch is not
// installed.
#include <gtest/gtest.h>

#include "import_support.h"

namespace trellis_test {
namespace {

const std::vector<std::pair<std::string, std::string>> kShop = {
    {"sqitch.conf", "[core]\n\tengine = pg\n"},
    {"sqitch.plan",
     "%syntax-version=1.0.0\n%project=shop\n\n"
     "users 2024-01-01T00:00:00Z Dev <dev@example.com> # users\n"
     "orders [users] 2024-01-02T00:00:00Z Dev <dev@example.com> # orders\n"
     "order_count [orders] 2024-01-03T00:00:00Z Dev <dev@example.com> # a function\n"
     "@v1 2024-01-04T00:00:00Z Dev <dev@example.com> # release 1\n"
     "audit [!notes] 2024-01-05T00:00:00Z Dev <dev@example.com> # conflicts with notes\n"
     "order_count [order_count@v1] 2024-01-06T00:00:00Z Dev <dev@example.com> # reworked\n"
     "notes [users] 2024-01-07T00:00:00Z Dev <dev@example.com> # a column\n"},
    {"deploy/users.sql", "BEGIN;\nCREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\nCOMMIT;\n"},
    {"revert/users.sql", "DROP TABLE users;\n"},
    {"verify/users.sql", "SELECT id, email FROM users WHERE false;\n"},
    {"deploy/orders.sql", "CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));\n"},
    {"revert/orders.sql", "DROP TABLE orders;\n"},
    {"deploy/order_count@v1.sql",
     "CREATE FUNCTION order_count(u bigint) RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM orders $$;\n"},
    {"revert/order_count@v1.sql", "DROP FUNCTION order_count(bigint);\n"},
    {"deploy/order_count.sql",
     "CREATE OR REPLACE FUNCTION order_count(u bigint) RETURNS bigint LANGUAGE sql AS $$\n"
     "  SELECT count(*) FROM orders WHERE user_id = u\n$$;\n"},
    {"revert/order_count.sql",
     "CREATE OR REPLACE FUNCTION order_count(u bigint) RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM orders $$;\n"},
    {"deploy/audit.sql", "CREATE TABLE audit (at timestamptz NOT NULL DEFAULT now());\n"},
    {"revert/audit.sql", "DROP TABLE audit;\n"},
    {"deploy/notes.sql", "ALTER TABLE users ADD COLUMN note text;\n"},
    {"revert/notes.sql", "ALTER TABLE users DROP COLUMN note;\n"},
};

// Another Sqitch project deployed to the same database: its changes share the registry.
const std::vector<std::pair<std::string, std::string>> kGadgets = {
    {"sqitch.conf", "[core]\n\tengine = pg\n"},
    {"sqitch.plan", "%syntax-version=1.0.0\n%project=gadgets\n\n"
                    "widgets 2024-02-01T00:00:00Z Dev <dev@example.com> # widgets\n"},
    {"deploy/widgets.sql", "CREATE TABLE widgets (id int);\n"},
    {"revert/widgets.sql", "DROP TABLE widgets;\n"},
};

const std::vector<std::string> kAll = {"core/0001_users", "core/0002_orders", "core/0003_order_count",
                                       "core/0004_audit", "core/0005_order_count", "core/0006_notes"};

class SqitchPgTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (find_program("sqitch").empty()) GTEST_SKIP() << "sqitch is not installed (Debian: apt-get install sqitch libdbd-pg-perl)";
    TRELLIS_REQUIRE_PG_OR_SKIP(server);
    deployed_ = make_db("postgres", project_.root(), "sqitch");
    for (const auto& [path, content] : kShop) project_.write("shop/" + path, content);
    for (const auto& [path, content] : kGadgets) project_.write("gadgets/" + path, content);
    configure_scripted(project_, deployed_->url());
  }

  // Runs sqitch in the project's directory `dir` against the Sqitch-deployed database.
  void sqitch(const std::string& dir, std::vector<std::string> args) {
    std::string url = deployed_->url();
    args.push_back("db:pg" + url.substr(url.find("://")));  // Sqitch's target URI: db:pg://…
    RunOptions o;
    o.program = find_program("sqitch");
    o.args = args;
    o.cwd = project_.path(dir);
    o.env = {{"SQITCH_FULLNAME", "Dev"}, {"SQITCH_EMAIL", "dev@example.com"},
             {"SQITCH_USER_CONFIG", project_.path("no-user-sqitch.conf")}};
    RunResult r = run_process(o);
    ASSERT_EQ(r.exit_code, 0) << "sqitch " << args.front() << ": " << r.describe();
  }
  void import() {
    RunResult r = project_.run({"import", "--from", "sqitch", project_.path("shop")});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
  }
  std::vector<std::string> registry() {
    return deployed_->query("SELECT project || ':' || change FROM sqitch.changes ORDER BY committed_at");
  }

  TestProject project_;
  std::unique_ptr<TestDb> deployed_;
};

TEST_F(SqitchPgTest, DeployedBySqitchEqualsImportedThenAdopted) {
  ASSERT_NO_FATAL_FAILURE(sqitch("shop", {"deploy", "--verify"}));
  ASSERT_NO_FATAL_FAILURE(import());
  std::unique_ptr<TestDb> fresh = make_db("postgres", project_.root(), "fresh");
  configure_scripted(project_, fresh->url());
  RunResult applied = project_.run({"apply"});
  ASSERT_EQ(applied.exit_code, 0) << applied.describe();
  std::string ours = schema_dump(fresh->url());
  EXPECT_NE(ours.find("CREATE FUNCTION public.order_count"), std::string::npos) << ours;
  EXPECT_NE(ours.find("user_id = u"), std::string::npos) << ours;  // the reworked body
  EXPECT_EQ(ours, schema_dump(deployed_->url()));

  configure_scripted(project_, deployed_->url());
  std::vector<std::string> before = registry();
  RunResult dry = project_.run({"adopt", "--from", "sqitch", "--dry-run"});
  ASSERT_EQ(dry.exit_code, 0) << dry.describe();
  EXPECT_NE(dry.out.find("Would record 6 migration(s)"), std::string::npos) << dry.out;
  EXPECT_FALSE(deployed_->state_exists() && !deployed_->state_rows().empty());
  RunResult adopt = project_.run({"adopt", "--from", "sqitch"});
  ASSERT_EQ(adopt.exit_code, 0) << adopt.describe();
  EXPECT_EQ(deployed_->applied_ids(), kAll);
  EXPECT_EQ(deployed_->history_count("core/0005_order_count", "adopt"), 1);
  EXPECT_EQ(registry(), before);  // Sqitch's registry is only read

  RunResult apply = project_.run({"apply"});
  ASSERT_EQ(apply.exit_code, 0) << apply.describe();
  for (const auto& id : kAll) EXPECT_EQ(deployed_->history_count(id, "apply"), 0) << id;
  RunResult status = project_.run({"status"});
  EXPECT_EQ(status.exit_code, 0) << status.describe();
  project_.write_migration("core", "0007_phone.sql", migration("", "ALTER TABLE users ADD COLUMN phone text;"));
  RunResult more = project_.run({"apply"});
  ASSERT_EQ(more.exit_code, 0) << more.describe();
  EXPECT_EQ(deployed_->history_count("core/0007_phone", "apply"), 1);
  EXPECT_EQ(deployed_->query("SELECT count(*) FROM trellis.history WHERE action = 'apply'"),
            (std::vector<std::string>{"1"}));
}

TEST_F(SqitchPgTest, AdoptReadsOnlyThisProjectAndWhatIsStillDeployed) {
  ASSERT_NO_FATAL_FAILURE(sqitch("shop", {"deploy"}));
  ASSERT_NO_FATAL_FAILURE(sqitch("gadgets", {"deploy"}));
  // Back to the tag: notes, the reworked order_count and audit are reverted; Sqitch
  // deletes their rows from `changes` and logs the reverts in `events`.
  ASSERT_NO_FATAL_FAILURE(sqitch("shop", {"revert", "-y", "--to", "@v1"}));
  EXPECT_EQ(registry(), (std::vector<std::string>{"shop:users", "shop:orders", "shop:order_count", "gadgets:widgets"}));
  EXPECT_EQ(deployed_->query("SELECT count(*) FROM sqitch.events WHERE event = 'revert' AND project = 'shop'"),
            (std::vector<std::string>{"3"}));
  ASSERT_NO_FATAL_FAILURE(import());

  // The other project's table is not made by this project's migrations: the schema check
  // says so, and [drift] ignore leaves it out.
  RunResult refused = project_.run({"adopt", "--from", "sqitch", "--dry-run"});
  EXPECT_EQ(refused.exit_code, 2) << refused.describe();
  EXPECT_NE(refused.err.find("table widgets: not made by the migrations adopted"), std::string::npos)
      << refused.describe();
  configure_scripted(project_, deployed_->url());
  project_.write("trellis.toml", read_file(project_.path("trellis.toml")) + "\n[drift]\nignore = [\"table:widgets\"]\n");
  RunResult adopt = project_.run({"adopt", "--from", "sqitch"});
  ASSERT_EQ(adopt.exit_code, 0) << adopt.describe();
  EXPECT_EQ(deployed_->applied_ids(),
            (std::vector<std::string>{"core/0001_users", "core/0002_orders", "core/0003_order_count"}));
  RunResult apply = project_.run({"apply"});
  ASSERT_EQ(apply.exit_code, 0) << apply.describe();
  EXPECT_EQ(deployed_->history_count("core/0003_order_count", "apply"), 0);
  EXPECT_EQ(deployed_->history_count("core/0005_order_count", "apply"), 1);
  EXPECT_EQ(deployed_->history_count("core/0006_notes", "apply"), 1);
  EXPECT_EQ(deployed_->query("SELECT count(*) FROM information_schema.columns "
                             "WHERE table_name = 'users' AND column_name = 'note'"),
            (std::vector<std::string>{"1"}));
}

// --split-by requires: the plan's requires graph gives two features (users, with the
// changes that require it and the reworked instance; audit, which requires nothing); the
// schema is Sqitch's all the same, and adopt maps the registry to the split ids.
TEST_F(SqitchPgTest, SplitByRequiresAppliesToTheSameSchemaAndAdopts) {
  ASSERT_NO_FATAL_FAILURE(sqitch("shop", {"deploy"}));
  RunResult imported = project_.run({"import", "--from", "sqitch", project_.path("shop"), "--split-by", "requires"});
  ASSERT_EQ(imported.exit_code, 0) << imported.describe();
  EXPECT_NE(imported.out.find("into feature(s) users, audit"), std::string::npos) << imported.out;
  std::unique_ptr<TestDb> fresh = make_db("postgres", project_.root(), "fresh");
  configure_scripted(project_, fresh->url());
  RunResult applied = project_.run({"apply"});
  ASSERT_EQ(applied.exit_code, 0) << applied.describe();
  EXPECT_EQ(schema_dump(fresh->url()), schema_dump(deployed_->url()));

  configure_scripted(project_, deployed_->url());
  RunResult adopt = project_.run({"adopt", "--from", "sqitch"});
  ASSERT_EQ(adopt.exit_code, 0) << adopt.describe();
  EXPECT_EQ(deployed_->applied_ids(),
            (std::vector<std::string>{"audit/0001_audit", "users/0001_users", "users/0002_orders",
                                      "users/0003_order_count", "users/0004_order_count", "users/0005_notes"}));
}

}  // namespace
}  // namespace trellis_test
