// End-to-end lint wiring with the real trellis binary in temporary projects: `lint` exit
// codes and formats, what counts as a new table with and without a database, `plan --json`
// lock and lint fields, and `check` failing on a cross-feature conflict.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "lint_project.h"

namespace trellis_test {
namespace {

using Json = nlohmann::json;

const char* kNoEnv = "[project]\nmigrations = \"migrations\"\n";
const char* kSqliteEnv = "[project]\nmigrations = \"migrations\"\n[env.dev]\ndatabase = \"sqlite:dev.db\"\nfeatures = \"all\"\n";

const Json& pending_entry(const Json& plan, const std::string& id) {
  static const Json kNone = Json::object();
  for (const auto& p : plan.at("pending")) {
    if (p.value("id", "") == id) return p;
  }
  ADD_FAILURE() << id << " not pending in " << plan.dump();
  return kNone;
}

TEST(LintCli, ExitCodesAndFormats) {
  LintProject p(kNoEnv);
  p.write("migrations/core/0001_users.sql", "-- +up\nCREATE TABLE users (id bigint PRIMARY KEY, email text);\n");
  RunResult clean = p.run({"lint"});
  EXPECT_EQ(clean.exit_code, 0) << clean.out << clean.err;
  EXPECT_NE(clean.out.find("0 error(s), 0 warning(s)"), std::string::npos) << clean.out;

  p.write("migrations/core/0002_drop.sql", "-- +up\nALTER TABLE orders DROP COLUMN note;\n");
  RunResult text = p.run({"lint"});
  EXPECT_EQ(text.exit_code, 1) << text.out << text.err;
  EXPECT_NE(text.out.find("migrations/core/0002_drop.sql:2:1: error[drop-column]: "), std::string::npos) << text.out;

  RunResult json = p.run({"lint", "--format", "json"});
  EXPECT_EQ(json.exit_code, 1);
  Json doc = parse_json(json);
  EXPECT_EQ(doc.value("ok", true), false);
  EXPECT_EQ(doc.value("errors", 0), 1);
  EXPECT_EQ(rules(doc["findings"]), std::vector<std::string>{"drop-column"});

  RunResult github = p.run({"lint", "--format", "github"});
  EXPECT_EQ(github.out.rfind("::error file=migrations/core/0002_drop.sql,line=2,col=1,title=drop-column::", 0), 0u)
      << github.out;
  Json sarif = parse_json(p.run({"lint", "--format", "sarif"}));
  EXPECT_EQ(sarif.value("version", ""), "2.1.0");

  EXPECT_EQ(p.run({"lint", "--format", "xml"}).exit_code, 2);
  EXPECT_EQ(p.run({"lint", "migrations/nope"}).exit_code, 2);
  RunResult only_clean = p.run({"lint", "migrations/core/0001_users.sql"});  // relative to -C DIR
  EXPECT_EQ(only_clean.exit_code, 0) << only_clean.out;
}

TEST(LintCli, TableOfAnEarlierMigrationIsNewOnlyWhenLintedWithIt) {
  LintProject p(kNoEnv);
  p.write("migrations/billing/0001_invoices.sql", "-- +up\nCREATE TABLE invoices (id bigint PRIMARY KEY, user_id bigint);\n");
  p.write("migrations/billing/0002_ix.sql", "-- +up\nCREATE INDEX ix_invoices_user ON invoices (user_id);\n");
  // Without a database and a selection, the other migrations count as applied: invoices
  // holds rows (the safe assumption), and a note says so.
  for (const auto& args : {std::vector<std::string>{"lint"}, std::vector<std::string>{"lint", "--offline"}}) {
    RunResult r = p.run(args);
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_NE(r.err.find("trellis: note: "), std::string::npos) << r.err;
  }
  // Linted together (PATH), the table is new for the index.
  EXPECT_EQ(p.run({"lint", "migrations/billing"}).exit_code, 0);
  p.write("migrations/billing/0003_ix.sql", "-- +up\nCREATE INDEX ix_orders_user ON orders (user_id);\n");
  Json doc = parse_json(p.run({"lint", "migrations/billing", "--format", "json"}));
  ASSERT_EQ(doc["findings"].size(), 1u) << doc.dump();
  EXPECT_EQ(doc["findings"][0].value("id", ""), "billing/0003_ix");
}

TEST(LintCli, SqliteProjectsSkipPostgresOnlyRules) {
  const char* sql =
      "-- +up\nCREATE TABLE tags (id INTEGER PRIMARY KEY AUTOINCREMENT);\n"
      "CREATE TABLE labels (id INTEGER PRIMARY KEY, name varchar(20), at timestamp);\n";
  LintProject sqlite(kSqliteEnv), pg(kNoEnv);
  sqlite.write("migrations/tags/0001_t.sql", sql);
  pg.write("migrations/tags/0001_t.sql", sql);
  auto on_sqlite = rules(parse_json(sqlite.run({"lint", "--format", "json"}))["findings"]);
  auto on_pg = rules(parse_json(pg.run({"lint", "--format", "json"}))["findings"]);
  EXPECT_EQ(on_sqlite, std::vector<std::string>{"not-analysed"});
  EXPECT_TRUE(contains(on_pg, "not-analysed"));
  for (const char* rule : {"prefer-text-field", "prefer-bigint-id", "prefer-timestamptz"}) {
    EXPECT_TRUE(contains(on_pg, rule)) << rule;
  }
}

TEST(PlanCli, JsonHasLintPerPendingMigrationAndConflicts) {
  LintProject p(kSqliteEnv);
  p.write("migrations/core/0001_users.sql", "-- +up\nCREATE TABLE users (id integer PRIMARY KEY, legacy text);\n");
  p.write("migrations/core/0002_drop.sql", "-- +up\nALTER TABLE users DROP COLUMN legacy;\n");
  RunResult r = p.run({"plan", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  Json plan = parse_json(r);
  const Json& drop = pending_entry(plan, "core/0002_drop");
  EXPECT_EQ(rules(drop["lint"]), std::vector<std::string>{"drop-column"});
  EXPECT_EQ(drop["lint"][0].value("severity", ""), "error");
  EXPECT_TRUE(drop["lock"]["level"].is_null());  // SQLite: no table lock modes
  EXPECT_TRUE(pending_entry(plan, "core/0001_users")["lint"].empty());
  EXPECT_TRUE(plan["conflicts"].empty());

  RunResult text = p.run({"plan"});
  EXPECT_NE(text.out.find("1 error, 0 warnings"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("error[drop-column]"), std::string::npos) << text.out;
}

TEST(CheckCli, CrossFeatureConflictFailsCheckAndShowsInPlan) {
  LintProject p(kSqliteEnv);
  p.write("migrations/billing/0001_t.sql", "-- +up\nCREATE TABLE accounts (id integer PRIMARY KEY);\n");
  p.write("migrations/crm/0001_t.sql", "-- +up\nCREATE TABLE accounts (id integer PRIMARY KEY, name text);\n");
  RunResult check = p.run({"check", "--json"});
  EXPECT_EQ(check.exit_code, 1) << check.out << check.err;
  Json doc = parse_json(check);
  EXPECT_EQ(doc.value("ok", true), false);
  ASSERT_EQ(doc["findings"].size(), 2u) << doc.dump();  // table accounts, and column accounts.id
  for (const auto& f : doc["findings"]) EXPECT_EQ(f.value("kind", ""), "conflict");
  EXPECT_EQ(doc["findings"][0].value("id", ""), "billing/0001_t");
  EXPECT_EQ(doc["findings"][0].value("message", "").rfind("conflict-both-create: billing/0001_t and crm/0001_t", 0), 0u)
      << doc.dump();
  EXPECT_EQ(p.run({"check"}).exit_code, 1);

  Json plan = parse_json(p.run({"plan", "--json"}));
  ASSERT_EQ(plan["conflicts"].size(), 2u) << plan.dump();
  EXPECT_EQ(plan["conflicts"][0].value("rule", ""), "conflict-both-create");

  // Declaring the order resolves it; check --lint adds the lint findings.
  p.write("migrations/crm/0001_t.sql",
          "-- requires: billing/0001_t\n-- +up\nALTER TABLE accounts ADD COLUMN name varchar(10);\n"
          "ALTER TABLE accounts DROP COLUMN id;\n");
  RunResult ok = p.run({"check", "--json"});
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  Json with_lint = parse_json(p.run({"check", "--json", "--lint"}));
  ASSERT_EQ(with_lint["findings"].size(), 1u) << with_lint.dump();
  EXPECT_EQ(with_lint["findings"][0].value("kind", ""), "lint");
  EXPECT_EQ(with_lint["findings"][0].value("message", "").rfind("drop-column: ", 0), 0u);
}

TEST(LintCliPostgres, TableCountsAsNewUntilItsMigrationIsApplied) {
  TRELLIS_REQUIRE_PG_OR_SKIP(server);
  TestProject p;
  configure_scripted(p, server->create_database());
  p.write("migrations/billing/0001_invoices.sql", "-- +up\nCREATE TABLE invoices (id bigint PRIMARY KEY, user_id bigint);\n");
  p.write("migrations/billing/0002_ix.sql", "-- +up\nCREATE INDEX ix_invoices_user ON invoices (user_id);\n");
  RunResult fresh = p.run({"lint"});
  EXPECT_EQ(fresh.exit_code, 0) << fresh.out << fresh.err;
  Json plan = parse_json(p.run({"plan", "--json"}));
  const Json& ix = pending_entry(plan, "billing/0002_ix");
  EXPECT_EQ(ix["lock"].value("table", ""), "invoices");
  EXPECT_EQ(ix["lock"].value("level", ""), "SHARE");
  EXPECT_TRUE(ix["lint"].empty());

  RunResult apply = p.run({"apply", "--to", "billing/0001"});
  ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  RunResult after = p.run({"lint", "--format", "json"});
  EXPECT_EQ(after.exit_code, 1) << after.out << after.err;
  EXPECT_EQ(rules(parse_json(after)["findings"]), std::vector<std::string>{"require-concurrent-index"});
  EXPECT_EQ(p.run({"lint", "--offline", "migrations/billing"}).exit_code, 0);  // offline, linted together
  Json plan_after = parse_json(p.run({"plan", "--json"}));
  EXPECT_EQ(rules(pending_entry(plan_after, "billing/0002_ix")["lint"]),
            std::vector<std::string>{"require-concurrent-index"});
}

}  // namespace
}  // namespace trellis_test
