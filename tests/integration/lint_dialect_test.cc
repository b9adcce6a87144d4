// Which database lint checks migrations for (issue 16 §2): a project whose default
// environment is SQLite but which also runs on PostgreSQL gets PostgreSQL's lock rules from
// plain `trellis lint`; [lint] dialect and postgres_version; the version read from a
// reachable server; bad values refused with file:line.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "lint_project.h"

namespace trellis_test {
namespace {

using Json = nlohmann::json;

const char* kMixed =
    "[project]\nmigrations = \"migrations\"\ndefault_env = \"dev\"\n"
    "[env.dev]\ndatabase = \"sqlite:dev.db\"\nfeatures = \"all\"\n"
    "[env.staging]\ndatabase = \"postgres://127.0.0.1:1/nowhere?connect_timeout=1\"\nfeatures = \"all\"\n";
const char* kUsers = "-- +up\nCREATE TABLE users (id bigint PRIMARY KEY, name text);\n";
const char* kIndex = "-- +up\nCREATE INDEX ix_users_name ON users (name);\n";

// The dev database has core/0001 applied: users exists, with rows as far as lint knows.
void apply_users_on_dev(LintProject& p) {
  p.write("migrations/core/0001_users.sql", kUsers);
  RunResult applied = p.run({"apply"});
  ASSERT_EQ(applied.exit_code, 0) << applied.out << applied.err;
}

TEST(LintDialect, SqliteDefaultWithPostgresStagingLintsForPostgresAndSaysSo) {
  LintProject p(kMixed);
  apply_users_on_dev(p);
  p.write("migrations/core/0002_ix.sql", kIndex);
  RunResult text = p.run({"lint"});
  EXPECT_EQ(text.exit_code, 1) << text.out << text.err;
  EXPECT_NE(text.out.find("error[require-concurrent-index]"), std::string::npos) << text.out;
  EXPECT_NE(text.err.find("trellis: note: linting for PostgreSQL (version unknown"), std::string::npos) << text.err;
  EXPECT_NE(text.err.find("environment staging uses PostgreSQL"), std::string::npos) << text.err;

  RunResult json = p.run({"lint", "--format", "json"});
  Json doc = parse_json(json);
  EXPECT_EQ(doc.value("dialect", ""), "postgres") << doc.dump();
  EXPECT_TRUE(doc["postgres_version"].is_null()) << doc.dump();
  EXPECT_TRUE(contains(rules(doc["findings"]), "require-concurrent-index")) << doc.dump();
}

// plan and check --lint lint for the same dialect as lint: the project's, not the selected
// environment's (issue 16 §2).
TEST(LintDialect, PlanAndCheckLintForEveryEnvironmentsDialect) {
  LintProject p(kMixed);
  apply_users_on_dev(p);
  p.write("migrations/core/0002_ix.sql", kIndex);
  RunResult plan = p.run({"plan", "--json"});
  ASSERT_EQ(plan.exit_code, 0) << plan.out << plan.err;
  Json doc = parse_json(plan);
  bool found = false;
  for (const auto& entry : doc["pending"]) {
    if (entry.value("id", "") != "core/0002_ix") continue;
    found = true;
    EXPECT_TRUE(contains(rules(entry["lint"]), "require-concurrent-index")) << entry.dump();
    EXPECT_TRUE(entry["lock"]["level"].is_null()) << entry.dump();  // dev's SQLite has no lock modes
  }
  EXPECT_TRUE(found) << doc.dump();

  RunResult check = p.run({"check", "--lint", "--json"});
  EXPECT_EQ(check.exit_code, 1) << check.out << check.err;
  Json checked = parse_json(check);
  bool flagged = false;
  for (const auto& f : checked["findings"]) {
    flagged |= f.value("message", "").find("require-concurrent-index:") != std::string::npos;
  }
  EXPECT_TRUE(flagged) << checked.dump();

  // [lint] dialect = "sqlite" decides for all three.
  p.write("trellis.toml", std::string(kMixed) + "[lint]\ndialect = \"sqlite\"\n");
  RunResult sqlite_check = p.run({"check", "--lint", "--json"});
  EXPECT_EQ(sqlite_check.exit_code, 0) << sqlite_check.out << sqlite_check.err;
}

TEST(LintDialect, ConfiguredSqliteSkipsPostgresRulesWithoutANote) {
  LintProject p(std::string(kMixed) + "[lint]\ndialect = \"sqlite\"\n");
  apply_users_on_dev(p);
  p.write("migrations/core/0002_ix.sql", kIndex);
  RunResult r = p.run({"lint", "--format", "json"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  Json doc = parse_json(r);
  EXPECT_EQ(doc.value("dialect", ""), "sqlite");
  EXPECT_TRUE(doc["findings"].empty()) << doc.dump();
  EXPECT_EQ(r.err.find("linting for"), std::string::npos) << r.err;
}

TEST(LintDialect, OnlySqliteEnvironmentsLintForSqlite) {
  LintProject p("[env.dev]\ndatabase = \"sqlite:dev.db\"\nfeatures = \"all\"\n");
  p.write("migrations/core/0001_users.sql", kUsers);
  p.write("migrations/core/0002_ix.sql", kIndex);
  RunResult r = p.run({"lint", "--format", "json"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(parse_json(r).value("dialect", ""), "sqlite");
  EXPECT_NE(r.err.find("trellis: note: linting for SQLite"), std::string::npos) << r.err;
}

TEST(LintDialect, ConfiguredVersionDecidesTheVersionRules) {
  const char* add = "-- +up\nALTER TABLE users ADD COLUMN score int NOT NULL DEFAULT 0;\n";
  for (int version : {10, 15}) {
    LintProject p(std::string(kMixed) + "[lint]\npostgres_version = " + std::to_string(version) + "\n");
    apply_users_on_dev(p);
    p.write("migrations/core/0002_add.sql", add);
    RunResult r = p.run({"lint", "--format", "json"});
    Json doc = parse_json(r);
    EXPECT_EQ(doc.value("postgres_version", 0), version) << doc.dump();
    EXPECT_EQ(contains(rules(doc["findings"]), "add-column-default-before-11"), version == 10) << doc.dump();
    EXPECT_EQ(r.exit_code, version == 10 ? 1 : 0) << r.out << r.err;
    EXPECT_NE(r.err.find("linting for PostgreSQL " + std::to_string(version) + " ([lint] postgres_version)"),
              std::string::npos)
        << r.err;
  }
}

TEST(LintDialect, BadDialectOrVersionIsBadInputNamingTheLine) {
  struct Case {
    const char* lint;
    const char* message;
  };
  const Case cases[] = {
      {"dialect = \"mysql\"", "trellis.toml:4: [lint] dialect must be \"postgres\" or \"sqlite\""},
      {"postgres_version = 8", "trellis.toml:4: [lint] postgres_version must be a PostgreSQL major version"},
      {"postgres_version = \"15\"", "trellis.toml:4: [lint] postgres_version must be"},
  };
  for (const auto& c : cases) {
    LintProject p(std::string("[project]\nmigrations = \"migrations\"\n[lint]\n") + c.lint + "\n");
    p.write("migrations/core/0001_users.sql", kUsers);
    RunResult r = p.run({"lint"});
    EXPECT_EQ(r.exit_code, 2) << c.lint << "\n" << r.out << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
  }
}

TEST(LintDialect, ReachableServerGivesItsVersion) {
  TRELLIS_REQUIRE_PG_OR_SKIP(server);
  std::string url = server->create_database();
  std::vector<std::string> num = PgServer::query(url, "SHOW server_version_num");
  ASSERT_EQ(num.size(), 1u);
  int major = std::stoi(num[0]) / 10000;
  LintProject p("[env.staging]\ndatabase = \"" + url + "\"\nfeatures = \"all\"\n");
  // legacy is no migration's: it exists, with rows, wherever this runs.
  p.write("migrations/core/0001_add.sql", "-- +up\nALTER TABLE legacy ADD COLUMN score int NOT NULL DEFAULT 0;\n");
  RunResult r = p.run({"-e", "staging", "lint", "--format", "json"});
  Json doc = parse_json(r);
  EXPECT_EQ(doc.value("dialect", ""), "postgres");
  EXPECT_EQ(doc.value("postgres_version", 0), major) << doc.dump() << r.err;
  EXPECT_NE(r.err.find("linting for PostgreSQL " + std::to_string(major) + " (the server's version)"), std::string::npos)
      << r.err;
  EXPECT_EQ(contains(rules(doc["findings"]), "add-column-default-before-11"), major < 11) << doc.dump();
  // [lint] postgres_version wins over the server's.
  p.write("trellis.toml", "[env.staging]\ndatabase = \"" + url + "\"\nfeatures = \"all\"\n[lint]\npostgres_version = 10\n");
  Json pinned = parse_json(p.run({"-e", "staging", "lint", "--format", "json"}));
  EXPECT_EQ(pinned.value("postgres_version", 0), 10);
  EXPECT_TRUE(contains(rules(pinned["findings"]), "add-column-default-before-11")) << pinned.dump();
}

// What change-column-type now lets pass (a precision increase of timestamp, timestamptz,
// time, interval) keeps the table's file on the real server: no rewrite. A decrease, which
// lint still flags, gets a new file.
TEST(LintDialect, DatetimePrecisionIncreaseKeepsTheTableFileOnTheServer) {
  TRELLIS_REQUIRE_PG_OR_SKIP(server);
  std::string url = server->create_database();
  PgServer::query(url, "CREATE TABLE ev (a timestamptz(3), b timestamp(0), c time(2), d interval(2), e interval day to second(1))");
  PgServer::query(url, "INSERT INTO ev SELECT now(), now(), now(), '1 day', '1 day' FROM generate_series(1, 100)");
  auto filenode = [&] { return PgServer::query(url, "SELECT pg_relation_filenode('ev')").at(0); };
  std::string before = filenode();
  for (const char* alter : {"ALTER TABLE ev ALTER COLUMN a TYPE timestamptz(6)", "ALTER TABLE ev ALTER COLUMN a TYPE timestamptz",
                            "ALTER TABLE ev ALTER COLUMN b TYPE timestamp(3)", "ALTER TABLE ev ALTER COLUMN c TYPE time(5)",
                            "ALTER TABLE ev ALTER COLUMN d TYPE interval(4)",
                            "ALTER TABLE ev ALTER COLUMN e TYPE interval day to second(4)"}) {
    PgServer::query(url, alter);
    EXPECT_EQ(filenode(), before) << alter << " rewrote the table";
  }
  PgServer::query(url, "ALTER TABLE ev ALTER COLUMN b TYPE timestamp(1)");
  EXPECT_NE(filenode(), before) << "a precision decrease should rewrite";
}

}  // namespace
}  // namespace trellis_test
