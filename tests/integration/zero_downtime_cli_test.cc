// Phases end to end: contract gating in plan/apply per environment and with --contract,
// the phase column of status, and plan --explain.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "backfill_project.h"

namespace trellis_test {
namespace {


// users: expand (table), backfill (data), contract (drop a column); and a second feature
// that is plain expand.
void write_phases(const BackfillProject& p) {
  p.write("migrations/users/0001_table.sql",
          "-- +up\nCREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, legacy TEXT);\n"
          "INSERT INTO users (id, name) VALUES (1, 'a'), (2, 'b'), (3, 'c');\n-- +down\nDROP TABLE users;\n");
  p.write("migrations/users/0002_fill.sql",
          "-- phase: backfill\n-- batch: table=users key=id size=2\n-- +up\n"
          "UPDATE users SET name = upper(name) WHERE id > :lo AND id <= :hi;\n");
  p.write("migrations/users/0003_drop_legacy.sql",
          "-- phase: contract\n-- +up\nALTER TABLE users DROP COLUMN legacy;\n");
  p.write("migrations/other/0001_t.sql", "-- +up\nCREATE TABLE other (id INTEGER PRIMARY KEY);\n");
}

const std::string kProd =
    "\n[env.prod]\ndatabase = \"sqlite:prod.db\"\nfeatures = \"all\"\nallow_contract = true\n";

TEST(ContractGating, HeldWithoutAllowContractRunWithFlagOrInAllowingEnvironment) {
  BackfillProject p("allow_contract = false", kProd);
  write_phases(p);
  auto plan = p.run({"plan", "--json"});
  ASSERT_EQ(plan.exit_code, 0) << plan.describe();
  auto j = nlohmann::json::parse(plan.out);
  ASSERT_EQ(j["held_back"].size(), 1u) << plan.out;
  EXPECT_EQ(j["held_back"][0]["id"], "users/0003_drop_legacy");
  EXPECT_EQ(j["held_back"][0]["reason"], "contract-not-allowed");
  EXPECT_EQ(j["pending"].size(), 3u);

  auto apply = p.run({"apply"});
  ASSERT_EQ(apply.exit_code, 0) << apply.describe();
  EXPECT_EQ(p.sql1("SELECT count(*) FROM trellis_migrations WHERE status = 'applied'"), "3");
  EXPECT_EQ(p.sql1("SELECT count(*) FROM pragma_table_info('users') WHERE name = 'legacy'"), "1");
  EXPECT_EQ(p.sql1("SELECT group_concat(name) FROM users"), "A,B,C");

  auto status = p.run({"status"});
  EXPECT_NE(status.out.find("phase"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("backfill  users/0002_fill"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("expand    other/0001_t"), std::string::npos) << status.out;

  auto contract = p.run({"apply", "--contract"});
  ASSERT_EQ(contract.exit_code, 0) << contract.describe();
  EXPECT_EQ(p.sql1("SELECT count(*) FROM pragma_table_info('users') WHERE name = 'legacy'"), "0");
  status = p.run({"status", "--json"});
  auto s = nlohmann::json::parse(status.out);
  for (const auto& f : s["features"]) {
    EXPECT_EQ(f["phase"], f["name"] == "users" ? "contract" : "expand") << f.dump();
  }

  // An environment that allows contract migrations runs all four at once.
  auto prod = p.run({"-e", "prod", "apply"});
  ASSERT_EQ(prod.exit_code, 0) << prod.describe();
  EXPECT_NE(prod.out.find("4 applied"), std::string::npos) << prod.out;
}

TEST(ContractGating, DependentOfAHeldContractIsHeldToo) {
  BackfillProject p("allow_contract = false");
  write_phases(p);
  p.write("migrations/users/0004_after.sql", "-- +up\nCREATE INDEX ix_users_name ON users (name);\n");
  auto plan = nlohmann::json::parse(p.run({"plan", "--json"}).out);
  ASSERT_EQ(plan["held_back"].size(), 2u);
  EXPECT_EQ(plan["held_back"][1]["id"], "users/0004_after");
  EXPECT_EQ(plan["held_back"][1]["reason"], "held-dependency");
}

TEST(PlanExplain, TellsWhichMigrationsOldCodeSurvivesAndTheDeployOrder) {
  BackfillProject p;
  write_phases(p);
  auto r = p.run({"plan", "--explain"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_NE(r.out.find("users/0002_fill         backfill  yes"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("users/0003_drop_legacy  contract  only once old code is retired"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("1. apply the expand and backfill migrations (3 here)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("3. once no instance runs the old code, apply the contract migrations (1 here)"),
            std::string::npos) << r.out;
  auto j = nlohmann::json::parse(p.run({"plan", "--explain", "--json"}).out);
  for (const auto& m : j["pending"]) {
    EXPECT_EQ(m["old_code_compatible"], m["phase"] != "contract") << m.dump();
  }
}

}  // namespace

namespace {

TEST(PatternScaffold, EverySequencePassesLintWithNoFindings) {
  BackfillProject p;
  p.write("migrations/shop/0001_tables.sql",
          "-- +up\nCREATE TABLE customers (id bigint PRIMARY KEY);\n"
          "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, code text, amount integer);\n");
  std::vector<std::vector<std::string>> runs = {
      {"--pattern", "add-not-null-column", "--table", "orders", "--column", "status", "--type", "text", "--default", "'new'"},
      {"--pattern", "add-index", "--table", "orders", "--column", "status"},
      {"--pattern", "add-foreign-key", "--table", "orders", "--column", "customer_id", "--ref-table", "customers"},
      {"--pattern", "add-unique-constraint", "--table", "orders", "--column", "code"},
      {"--pattern", "rename-column", "--table", "orders", "--column", "code", "--new-name", "reference", "--type", "text"},
      {"--pattern", "change-column-type", "--table", "orders", "--column", "amount", "--type", "bigint"},
      {"--pattern", "drop-column", "--table", "orders", "--column", "amount"}};
  for (auto args : runs) {
    args.insert(args.begin(), {"new", "shop", "change"});
    auto r = p.run(args);
    ASSERT_EQ(r.exit_code, 0) << r.describe();
  }
  auto listed = p.run({"plan", "--json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.describe();
  EXPECT_EQ(nlohmann::json::parse(listed.out)["pending"].size(), 18u);
  auto lint = p.run({"lint"});
  EXPECT_EQ(lint.exit_code, 0) << lint.describe();
  EXPECT_NE(lint.out.find("0 error(s), 0 warning(s)"), std::string::npos) << lint.describe();
  auto bad = p.run({"new", "shop", "x", "--pattern", "add-foreign-key", "--table", "orders", "--column", "c"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--ref-table is required for --pattern add-foreign-key"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace trellis_test
