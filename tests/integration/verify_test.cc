// verify_test.cc — `trellis verify` on both backends: features that commute pass; a pair
// whose order changes the schema, or makes a migration fail, is named with the requires
// line that fixes it; the stairway finds a down that leaves an object behind, one that
// removes too much, one that fails, and an up that fails the second time; seeded orders
// repeat; nothing is written to the environment's database.
#include "harness.h"

namespace trellis_test {
namespace {

using nlohmann::json;

class VerifyTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    project_.write_simple_config(db_->url());
  }

  // Two features that commute: each creates and alters its own table.
  void write_commuting() {
    project_.write_migration("shop", "0001_items.sql",
                             migration("", "CREATE TABLE items (id integer PRIMARY KEY, name text);", "DROP TABLE items;"));
    project_.write_migration("shop", "0002_price.sql",
                             migration("", "ALTER TABLE items ADD COLUMN price integer;",
                                       "ALTER TABLE items DROP COLUMN price;"));
    project_.write_migration("crm", "0001_people.sql",
                             migration("", "CREATE TABLE people (id integer PRIMARY KEY, email text);",
                                       "DROP TABLE people;"));
    project_.write_migration("crm", "0002_ix.sql",
                             migration("", "CREATE INDEX ix_people_email ON people (email);",
                                       "DROP INDEX ix_people_email;"));
  }

  RunResult verify(std::vector<std::string> args) {
    args.insert(args.begin(), "verify");
    return project_.run(args);
  }

  json verify_json(std::vector<std::string> args, int expected_exit) {
    args.push_back("--json");
    RunResult r = verify(args);
    EXPECT_EQ(r.exit_code, expected_exit) << r.describe();
    return parse_json(r);
  }

  void expect_live_database_untouched() {
    EXPECT_TRUE(db_->tables().empty()) << "verify wrote to the environment's database";
    EXPECT_FALSE(db_->state_exists());
  }
};

TEST_P(VerifyTest, FeaturesThatCommutePass) {
  write_commuting();
  RunResult r = verify({});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_NE(r.out.find("verify passed"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("3 orders: planner, reversed-ties, random-"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("4 migrations checked"), std::string::npos) << r.out;
  expect_live_database_untouched();

  json doc = verify_json({"--seed", "7"}, 0);
  EXPECT_TRUE(doc["ok"].get<bool>());
  EXPECT_EQ(doc["seed"].get<std::uint64_t>(), 7u);
  EXPECT_EQ(doc["migrations"].get<int>(), 4);
  ASSERT_EQ(doc["orders"].size(), 3u);
  EXPECT_TRUE(doc["order_findings"].empty());
  EXPECT_EQ(doc["stairway"]["checked"].get<int>(), 4);
  EXPECT_TRUE(doc["stairway"]["findings"].empty());
  expect_live_database_untouched();
}

// Both features replace one view: the one that runs last decides what it says.
TEST_P(VerifyTest, APairWhoseOrderChangesTheSchemaIsNamedWithItsFix) {
  write_commuting();
  project_.write_migration("shop", "0003_report.sql",
                           migration("", "DROP VIEW IF EXISTS report;\nCREATE VIEW report AS SELECT 'shop' AS source;",
                                     "DROP VIEW report;"));
  project_.write_migration("crm", "0003_report.sql",
                           migration("", "DROP VIEW IF EXISTS report;\nCREATE VIEW report AS SELECT 'crm' AS source;",
                                     "DROP VIEW IF EXISTS report;"));
  json doc = verify_json({"--no-stairway"}, 1);
  ASSERT_EQ(doc["order_findings"].size(), 1u) << doc.dump(2);
  const json& f = doc["order_findings"][0];
  EXPECT_EQ(f["type"], "schemas-differ");
  // The planner runs crm/0003 before shop/0003 (same number: by feature name).
  EXPECT_EQ(f["first"]["id"], "crm/0003_report");
  EXPECT_EQ(f["second"]["id"], "shop/0003_report");
  EXPECT_EQ(f["fix"]["file"], "migrations/shop/0003_report.sql");
  EXPECT_EQ(f["fix"]["add"], "-- requires: crm/0003_report");
  ASSERT_FALSE(f["differences"].empty());
  EXPECT_EQ(f["differences"][0]["kind"], "view");
  EXPECT_EQ(f["differences"][0]["name"], "report");
  EXPECT_FALSE(doc["stairway"]["ran"].get<bool>());

  RunResult text = verify({"--no-stairway"});
  EXPECT_EQ(text.exit_code, 1) << text.describe();
  EXPECT_NE(text.out.find("the order of crm/0003_report and shop/0003_report changes the schema"), std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find("fix: add \"-- requires: crm/0003_report\" to migrations/shop/0003_report.sql"),
            std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find("view report"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("verify failed"), std::string::npos) << text.out;

  // With the suggested line the orders agree.
  project_.write_migration("shop", "0003_report.sql",
                           migration("-- requires: crm/0003_report",
                                     "DROP VIEW IF EXISTS report;\nCREATE VIEW report AS SELECT 'shop' AS source;",
                                     "DROP VIEW report;"));
  RunResult fixed = verify({"--no-stairway"});
  EXPECT_EQ(fixed.exit_code, 0) << fixed.describe();
  expect_live_database_untouched();
}

// tax/0002 indexes a table that shop/0001 creates, without requiring it: the planner's
// order runs shop/0001 first (number 1 before 2); the reversed ties run the tax feature
// (last by name) first.
TEST_P(VerifyTest, AMigrationThatFailsInOneOrderOnlyIsNamedWithItsFix) {
  write_commuting();
  project_.write_migration("tax", "0001_invoices.sql",
                           migration("", "CREATE TABLE invoices (id integer PRIMARY KEY);", "DROP TABLE invoices;"));
  project_.write_migration("tax", "0002_ix_items.sql",
                           migration("", "CREATE INDEX ix_items_name ON items (name);", "DROP INDEX ix_items_name;"));
  json doc = verify_json({"--no-stairway", "--seed", "1"}, 1);
  ASSERT_EQ(doc["order_findings"].size(), 1u) << doc.dump(2);
  const json& f = doc["order_findings"][0];
  EXPECT_EQ(f["type"], "fails-in-one-order");
  EXPECT_EQ(f["first"]["id"], "shop/0001_items");
  EXPECT_EQ(f["second"]["id"], "tax/0002_ix_items");
  EXPECT_TRUE(f["failure_first_before"].is_null());
  ASSERT_TRUE(f["failure_second_before"].is_object());
  EXPECT_EQ(f["failure_second_before"]["id"], "tax/0002_ix_items");
  EXPECT_EQ(f["failure_second_before"]["line"].get<int>(), 2);
  EXPECT_EQ(f["fix"]["add"], "-- requires: shop/0001_items");
  EXPECT_EQ(f["fix"]["file"], "migrations/tax/0002_ix_items.sql");
  bool reversed_fails = false;
  for (const auto& o : doc["orders"]) reversed_fails |= o["name"] == "reversed-ties" && o["failure"].is_object();
  EXPECT_TRUE(reversed_fails) << doc["orders"].dump(2);
  expect_live_database_untouched();
}

TEST_P(VerifyTest, AMigrationThatFailsInEveryOrderIsNamed) {
  write_commuting();
  project_.write_migration("crm", "0003_bad.sql", migration("", "CREATE INDEX ix_nothing ON no_such_table (x);"));
  RunResult r = verify({"--no-stairway"});
  EXPECT_EQ(r.exit_code, 1) << r.describe();
  EXPECT_NE(r.out.find("crm/0003_bad fails in every order"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("no_such_table"), std::string::npos) << r.out;
}

TEST_P(VerifyTest, ADownThatLeavesAnObjectBehind) {
  write_commuting();
  project_.write_migration("crm", "0003_notes.sql",
                           migration("", "CREATE TABLE notes (id integer);\nCREATE TABLE note_tags (id integer);",
                                     "DROP TABLE notes;"));
  json doc = verify_json({}, 1);
  EXPECT_TRUE(doc["order_findings"].empty()) << doc.dump(2);
  ASSERT_EQ(doc["stairway"]["findings"].size(), 1u) << doc.dump(2);
  const json& f = doc["stairway"]["findings"][0];
  EXPECT_EQ(f["type"], "down-differs");
  EXPECT_EQ(f["migration"]["id"], "crm/0003_notes");
  ASSERT_EQ(f["differences"].size(), 1u) << f.dump(2);
  EXPECT_EQ(f["differences"][0]["type"], "unexpected");
  EXPECT_EQ(f["differences"][0]["name"], "note_tags");
  EXPECT_EQ(f["differences"][0]["message"], "table note_tags: left behind by the down");
  EXPECT_EQ(doc["stairway"]["checked"].get<int>(), 5) << "the others are still checked";
  RunResult text = verify({});
  EXPECT_NE(text.out.find("crm/0003_notes (migrations/crm/0003_notes.sql): its down does not restore"),
            std::string::npos)
      << text.out;
  expect_live_database_untouched();
}

TEST_P(VerifyTest, ADownThatRemovesTooMuch) {
  write_commuting();
  project_.write_migration("shop", "0003_tags.sql",
                           migration("", "CREATE TABLE tags (id integer);", "DROP TABLE tags;\nDROP TABLE items;"));
  json doc = verify_json({}, 1);
  ASSERT_EQ(doc["stairway"]["findings"].size(), 1u) << doc.dump(2);
  const json& f = doc["stairway"]["findings"][0];
  EXPECT_EQ(f["type"], "down-differs");
  EXPECT_EQ(f["migration"]["id"], "shop/0003_tags");
  ASSERT_EQ(f["differences"].size(), 1u) << f.dump(2);
  EXPECT_EQ(f["differences"][0]["type"], "missing");
  EXPECT_EQ(f["differences"][0]["name"], "items");
  EXPECT_EQ(f["differences"][0]["message"], "table items: removed by the down (it was there before the up)");
}

TEST_P(VerifyTest, ADownThatFails) {
  write_commuting();
  project_.write_migration("shop", "0003_tags.sql",
                           migration("", "CREATE TABLE tags (id integer);", "DROP TABLE tagz;"));
  json doc = verify_json({}, 1);
  ASSERT_EQ(doc["stairway"]["findings"].size(), 1u) << doc.dump(2);
  const json& f = doc["stairway"]["findings"][0];
  EXPECT_EQ(f["type"], "down-fails");
  ASSERT_TRUE(f["failure"].is_object());
  EXPECT_TRUE(f["failure"]["down"].get<bool>());
  EXPECT_NE(f["failure"]["error"].get<std::string>().find("tagz"), std::string::npos);
}

// The up inserts a row with a fixed key; its down renames nothing back: the schema is
// restored, the row is not, and the second up fails on the key.
TEST_P(VerifyTest, AnUpThatFailsTheSecondTime) {
  write_commuting();
  project_.write_migration("shop", "0003_seed.sql",
                           migration("", "INSERT INTO items (id, name) VALUES (1, 'first');",
                                     "UPDATE items SET name = 'gone' WHERE id = 1;"));
  json doc = verify_json({}, 1);
  ASSERT_EQ(doc["stairway"]["findings"].size(), 1u) << doc.dump(2);
  const json& f = doc["stairway"]["findings"][0];
  EXPECT_EQ(f["type"], "second-up-fails");
  EXPECT_EQ(f["migration"]["id"], "shop/0003_seed");
  ASSERT_TRUE(f["failure"].is_object());
  EXPECT_FALSE(f["failure"]["down"].get<bool>());
  RunResult text = verify({});
  EXPECT_NE(text.out.find("its up fails when run again after its down"), std::string::npos) << text.out;
}

TEST_P(VerifyTest, SeededOrdersRepeat) {
  for (const char* feature : {"a", "b", "c", "d"}) {
    for (const char* n : {"0001", "0002", "0003"}) {
      std::string table = std::string(feature) + "_" + n;
      project_.write_migration(feature, std::string(n) + "_t.sql",
                               migration("", "CREATE TABLE t_" + table + " (id integer);", "DROP TABLE t_" + table + ";"));
    }
  }
  auto orders_of = [&](std::vector<std::string> args) {
    args.push_back("--no-stairway");
    json doc = verify_json(args, 0);
    return doc["orders"];
  };
  json one = orders_of({"--orders", "5", "--seed", "42"});
  json two = orders_of({"--orders", "5", "--seed", "42"});
  ASSERT_EQ(one.size(), 5u);
  EXPECT_EQ(one, two);
  json other = orders_of({"--orders", "5", "--seed", "43"});
  EXPECT_EQ(other[0], one[0]) << "the planner's order does not depend on the seed";
  EXPECT_EQ(other[1], one[1]);
  EXPECT_NE(other, one);
  // Without --seed the seed is drawn and printed; passing it repeats the run.
  RunResult drawn = verify({"--orders", "5", "--no-stairway"});
  ASSERT_EQ(drawn.exit_code, 0) << drawn.describe();
  auto at = drawn.out.find("(--seed ");
  ASSERT_NE(at, std::string::npos) << drawn.out;
  std::size_t from = at + std::string("(--seed ").size();
  std::string seed = drawn.out.substr(from, drawn.out.find(' ', from) - from);
  json drawn_doc = verify_json({"--orders", "5", "--no-stairway", "--seed", seed}, 0);
  EXPECT_EQ(drawn_doc["seed"].get<std::uint64_t>(), std::stoull(seed));
}

TEST_P(VerifyTest, ASingleChainHasOneOrder) {
  project_.write_migration("shop", "0001_items.sql", migration("", "CREATE TABLE items (id integer);", "DROP TABLE items;"));
  project_.write_migration("shop", "0002_more.sql", migration("", "CREATE TABLE more (id integer);", "DROP TABLE more;"));
  RunResult r = verify({});
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_NE(r.out.find("1 order: planner (no more distinct orders exist: 3 asked)"), std::string::npos) << r.out;
}

TEST_P(VerifyTest, OnlyTheReleasedPlanUnlessAll) {
  write_commuting();
  project_.write_config(TomlBuilder()
                            .set("env.dev", "database", db_->url())
                            .lines("env.dev", "features = [\"shop\"]"));
  project_.write_migration("crm", "0003_bad.sql", migration("", "CREATE INDEX ix_nothing ON no_such_table (x);"));
  json doc = verify_json({"--no-stairway"}, 0);
  EXPECT_EQ(doc["migrations"].get<int>(), 2) << "shop's two";
  json all = verify_json({"--no-stairway", "--all"}, 1);
  EXPECT_EQ(all["migrations"].get<int>(), 5);
}

TEST_P(VerifyTest, BadOptionsAreBadUsage) {
  write_commuting();
  RunResult zero = verify({"--orders", "0"});
  EXPECT_EQ(zero.exit_code, 2) << zero.describe();
  RunResult other_backend = verify({"--scratch", is_sqlite() ? "postgres://nobody@127.0.0.1:1/x" : "sqlite::memory:"});
  EXPECT_EQ(other_backend.exit_code, 2) << other_backend.describe();
  EXPECT_NE(other_backend.err.find("--scratch: scratch database"), std::string::npos)
      << other_backend.err;
  expect_live_database_untouched();
}

// Two unrelated pairs whose order matters, both reversed in the same orders: each pair is
// named, not only the first one the bisect meets.
TEST_P(VerifyTest, TwoPairsInTheSameOrdersAreBothNamed) {
  write_commuting();
  for (const char* feature : {"shop", "crm"}) {
    std::string f = feature;
    project_.write_migration(f, "0003_report.sql",
                             migration("", "DROP VIEW IF EXISTS report;\nCREATE VIEW report AS SELECT '" + f + "' AS source;",
                                       "DROP VIEW IF EXISTS report;"));
    project_.write_migration(f, "0004_summary.sql",
                             migration("", "DROP VIEW IF EXISTS summary;\nCREATE VIEW summary AS SELECT '" + f + "' AS source;",
                                       "DROP VIEW IF EXISTS summary;"));
  }
  json doc = verify_json({"--no-stairway", "--orders", "2"}, 1);
  ASSERT_EQ(doc["order_findings"].size(), 2u) << doc.dump(2);
  std::set<std::string> seconds;
  for (const auto& f : doc["order_findings"]) seconds.insert(f["second"]["id"].get<std::string>());
  EXPECT_EQ(seconds, (std::set<std::string>{"shop/0003_report", "shop/0004_summary"}));
}

TRELLIS_BACKENDS(VerifyTest);

}  // namespace
}  // namespace trellis_test
