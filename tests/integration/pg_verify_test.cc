// pg_verify_test.cc — `trellis verify` on what only PostgreSQL has: a `SELECT *` view
// expanded when it is made, CREATE OR REPLACE FUNCTION in two features; scratch databases
// on a server named by --scratch, on a given database used in place by a role without
// CREATEDB (one replay at a time), and none left behind.
#include "harness.h"

namespace trellis_test {
namespace {

using nlohmann::json;

class PgVerifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    TRELLIS_REQUIRE_PG_OR_SKIP(server);
    server_ = server;
    url_ = server_->create_database();
    project_.write_simple_config(url_);
  }

  json verify_json(std::vector<std::string> args, int expected_exit) {
    args.insert(args.begin(), "verify");
    args.push_back("--json");
    RunResult r = project_.run(args);
    EXPECT_EQ(r.exit_code, expected_exit) << r.describe();
    return parse_json(r);
  }

  // The scratch databases made through the database at `url` (named after its oid: other
  // tests' runs on the same server make their own).
  std::vector<std::string> scratch_databases(const std::string& url) {
    std::string oid = PgServer::query(url, "SELECT oid FROM pg_database WHERE datname = current_database()").at(0);
    return PgServer::query(url, "SELECT datname FROM pg_database WHERE datname LIKE 'trellis\\_scratch\\_" + oid + "\\_%'");
  }

  std::string role_url(const std::string& url, const std::string& role) {
    std::string out = url;
    out.replace(out.find("&user="), std::string::npos, "&user=" + role);
    return out;
  }

  PgServer* server_ = nullptr;
  std::string url_;
  TestProject project_;
};

// A view `SELECT *` takes the columns its table has when it is made: with the column
// added first the view has it, otherwise not.
TEST_F(PgVerifyTest, ASelectStarViewAndAColumnAddedByAnotherFeature) {
  project_.write_migration("core", "0001_users.sql",
                           migration("", "CREATE TABLE users (id int PRIMARY KEY, name text);", "DROP TABLE users;"));
  project_.write_migration("profile", "0002_email.sql",
                           migration("-- requires: core/0001", "ALTER TABLE users ADD COLUMN email text;",
                                     "ALTER TABLE users DROP COLUMN email;"));
  project_.write_migration("report", "0002_all_users.sql",
                           migration("-- requires: core/0001", "CREATE VIEW all_users AS SELECT * FROM users;",
                                     "DROP VIEW all_users;"));
  json doc = verify_json({"--no-stairway"}, 1);
  ASSERT_EQ(doc["order_findings"].size(), 1u) << doc.dump(2);
  const json& f = doc["order_findings"][0];
  EXPECT_EQ(f["type"], "schemas-differ");
  EXPECT_EQ(f["first"]["id"], "profile/0002_email");
  EXPECT_EQ(f["second"]["id"], "report/0002_all_users");
  EXPECT_EQ(f["fix"]["add"], "-- requires: profile/0002_email");
  EXPECT_EQ(f["fix"]["file"], "migrations/report/0002_all_users.sql");
  bool view_named = false;
  for (const auto& d : f["differences"]) view_named |= d["name"].get<std::string>().find("all_users") != std::string::npos;
  EXPECT_TRUE(view_named) << f["differences"].dump(2);
  EXPECT_TRUE(scratch_databases(url_).empty()) << "every scratch database is dropped";
}

TEST_F(PgVerifyTest, TwoFeaturesReplacingOneFunction) {
  auto fn = [](const std::string& body) {
    return "CREATE OR REPLACE FUNCTION greeting() RETURNS text LANGUAGE sql AS $$ SELECT '" + body + "'::text $$;";
  };
  project_.write_migration("en", "0001_greeting.sql", migration("", fn("hello"), "DROP FUNCTION IF EXISTS greeting();"));
  project_.write_migration("fr", "0001_greeting.sql", migration("", fn("bonjour"), "DROP FUNCTION IF EXISTS greeting();"));
  json doc = verify_json({"--no-stairway"}, 1);
  ASSERT_EQ(doc["order_findings"].size(), 1u) << doc.dump(2);
  const json& f = doc["order_findings"][0];
  EXPECT_EQ(f["first"]["id"], "en/0001_greeting");
  EXPECT_EQ(f["second"]["id"], "fr/0001_greeting");
  ASSERT_EQ(f["differences"].size(), 1u) << f.dump(2);
  EXPECT_EQ(f["differences"][0]["kind"], "function");
  // The stairway: fr's down drops the function en made before it.
  json stair = verify_json({"--orders", "1"}, 1);
  ASSERT_EQ(stair["stairway"]["findings"].size(), 1u) << stair.dump(2);
  EXPECT_EQ(stair["stairway"]["findings"][0]["migration"]["id"], "fr/0001_greeting");
  EXPECT_EQ(stair["stairway"]["findings"][0]["differences"][0]["type"], "missing");
}

TEST_F(PgVerifyTest, ScratchDatabasesOnTheServerOfScratchAndNothingInTheLiveOne) {
  project_.write_migration("a", "0001_t.sql", migration("", "CREATE TABLE a_t (id int);", "DROP TABLE a_t;"));
  project_.write_migration("b", "0001_t.sql", migration("", "CREATE TABLE b_t (id int);", "DROP TABLE b_t;"));
  std::string other = server_->create_database();
  json doc = verify_json({"--scratch", other}, 0);
  EXPECT_EQ(doc["orders"].size(), 2u) << "two independent migrations have two orders";
  EXPECT_NE(doc["scratch"].get<std::string>().find(PgServer::query(other, "SELECT current_database()").at(0)),
            std::string::npos)
      << doc["scratch"];
  EXPECT_EQ(PgServer::query(url_, "SELECT count(*) FROM pg_class WHERE relname IN ('a_t', 'b_t')").at(0), "0");
  EXPECT_EQ(PgServer::query(url_, "SELECT count(*) FROM pg_namespace WHERE nspname = 'trellis'").at(0), "0");
  EXPECT_EQ(PgServer::query(other, "SELECT count(*) FROM pg_class WHERE relname IN ('a_t', 'b_t')").at(0), "0");
  EXPECT_TRUE(scratch_databases(other).empty());
}

// `scratch_database` in trellis.toml is where verify replays, as check's drift does (it
// was honoured only as --scratch): a role without CREATEDB sets it once for both.
TEST_F(PgVerifyTest, ScratchDatabaseFromTheConfigIsWhereItReplays) {
  project_.write_migration("a", "0001_t.sql", migration("", "CREATE TABLE a_t (id int);", "DROP TABLE a_t;"));
  std::string other = server_->create_database();
  project_.write("trellis.toml", "[env.dev]\ndatabase = \"" + url_ + "\"\nscratch_database = \"" + other + "\"\n");
  json doc = verify_json({}, 0);
  EXPECT_NE(doc["scratch"].get<std::string>().find(PgServer::query(other, "SELECT current_database()").at(0)),
            std::string::npos)
      << doc["scratch"];
  EXPECT_TRUE(scratch_databases(url_).empty()) << "nothing made on the live database's server through it";
  project_.write("trellis.toml", "[env.dev]\ndatabase = \"" + url_ + "\"\nscratch_database = \"sqlite::memory:\"\n");
  RunResult mismatch = project_.run({"verify"});
  EXPECT_EQ(mismatch.exit_code, 2) << mismatch.describe();
  EXPECT_NE(mismatch.err.find("trellis.toml:3: scratch_database: scratch database"), std::string::npos)
      << mismatch.describe();
}

// A role without CREATEDB and an empty database to replay on: one replay at a time, in
// place, each emptying it again; the findings are the same.
TEST_F(PgVerifyTest, AGivenDatabaseUsedInPlaceOneReplayAtATime) {
  project_.write_migration("a", "0001_t.sql", migration("", "CREATE TABLE a_t (id int);", "DROP TABLE a_t;"));
  project_.write_migration("b", "0001_t.sql",
                           migration("", "CREATE TABLE b_t (id int);\nCREATE TABLE b_extra (id int);", "DROP TABLE b_t;"));
  project_.write_migration("a", "0002_v.sql",
                           migration("", "DROP VIEW IF EXISTS v;\nCREATE VIEW v AS SELECT 1 AS a;", "DROP VIEW v;"));
  project_.write_migration("b", "0002_v.sql",
                           migration("", "DROP VIEW IF EXISTS v;\nCREATE VIEW v AS SELECT 2 AS b;", "DROP VIEW IF EXISTS v;"));
  std::string scratch = server_->create_database();
  std::string database = PgServer::query(scratch, "SELECT current_database()").at(0);
  std::string role = "verify_" + database;
  PgServer::query(url_, "CREATE ROLE " + role + " LOGIN NOSUPERUSER NOCREATEDB");
  PgServer::query(scratch, "GRANT CREATE ON SCHEMA public TO " + role);
  json doc = verify_json({"--scratch", role_url(scratch, role)}, 1);
  EXPECT_EQ(doc["counts"]["forks"].get<int>(), 0);
  ASSERT_EQ(doc["order_findings"].size(), 1u) << doc.dump(2);
  EXPECT_EQ(doc["order_findings"][0]["second"]["id"], "b/0002_v");
  // b/0001's down leaves b_extra; b/0002's down drops the view a/0002 had made.
  ASSERT_EQ(doc["stairway"]["findings"].size(), 2u) << doc.dump(2);
  EXPECT_EQ(doc["stairway"]["findings"][0]["migration"]["id"], "b/0001_t");
  EXPECT_EQ(doc["stairway"]["findings"][1]["migration"]["id"], "b/0002_v");
  EXPECT_EQ(PgServer::query(scratch, "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                                     "WHERE n.nspname = 'public'")
                .at(0),
            "0")
      << "emptied again";
  PgServer::query(scratch, "REVOKE ALL ON SCHEMA public FROM " + role + "; DROP OWNED BY " + role + "; DROP ROLE " + role);
}

TEST_F(PgVerifyTest, NoServerIsExitThree) {
  project_.write_migration("a", "0001_t.sql", migration("", "CREATE TABLE a_t (id int);"));
  RunResult r = project_.run({"verify", "--scratch", "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2"});
  EXPECT_EQ(r.exit_code, 3) << r.describe();
}

}  // namespace
}  // namespace trellis_test
