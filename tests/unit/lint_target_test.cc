// [lint] dialect and postgres_version in trellis.toml, and the dialect lint picks from a
// project's environments when it is not set (issue 16 §2).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "trellis/error.h"
#include "trellis/lint_session.h"
#include "trellis/project.h"

namespace trellis {
namespace {

class LintTargetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/trellis-lint-target-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  Config load(const std::string& text) {
    std::ofstream(dir_ + "/trellis.toml") << text;
    return load_config(dir_);
  }
  std::string error_loading(const std::string& text) {
    try {
      load(text);
    } catch (const Error& e) {
      EXPECT_EQ(static_cast<int>(exit_code_for(e.kind())), 2) << e.what();
      return e.what();
    }
    return "";
  }
  std::string dir_;
};

const char* kMixed =
    "[env.dev]\ndatabase = \"sqlite:dev.db\"\n[env.staging]\ndatabase = \"postgres://db/app\"\n";

TEST_F(LintTargetTest, AnyPostgresEnvironmentMakesItPostgresWhicheverIsSelected) {
  Config c = load(std::string("[project]\ndefault_env = \"dev\"\n") + kMixed);
  LintTarget t = lint_target(c, "sqlite:dev.db");
  EXPECT_EQ(t.dialect, Dialect::kPostgres);
  EXPECT_FALSE(t.dialect_configured);
  EXPECT_EQ(t.why, "environment staging uses PostgreSQL");
}

TEST_F(LintTargetTest, OnlySqliteEnvironmentsMakeItSqlite) {
  Config c = load("[env.dev]\ndatabase = \"sqlite:dev.db\"\n[env.test]\ndatabase = \"sqlite::memory:\"\n");
  EXPECT_EQ(lint_target(c, "sqlite:dev.db").dialect, Dialect::kSqlite);
  // A PostgreSQL database given on the command line counts too.
  EXPECT_EQ(lint_target(c, "postgres://db/app").dialect, Dialect::kPostgres);
}

TEST_F(LintTargetTest, AnUnsetVariableIsNotKnownToBeSqliteSoPostgresRulesApply) {
  ::unsetenv("TRELLIS_TEST_LINT_UNSET_URL");
  Config c = load("[env.dev]\ndatabase = \"sqlite:dev.db\"\n[env.prod]\ndatabase = \"${TRELLIS_TEST_LINT_UNSET_URL}\"\n");
  LintTarget t = lint_target(c, "");
  EXPECT_EQ(t.dialect, Dialect::kPostgres);
  EXPECT_NE(t.why.find("not known to be SQLite"), std::string::npos) << t.why;
}

TEST_F(LintTargetTest, NoEnvironmentsMeansPostgres) {
  EXPECT_EQ(lint_target(load("[project]\nmigrations = \"migrations\"\n"), "").dialect, Dialect::kPostgres);
}

TEST_F(LintTargetTest, ConfiguredDialectWins) {
  Config c = load(std::string("[lint]\ndialect = \"sqlite\"\ndrop-column = \"warning\"\n") + kMixed);
  LintTarget t = lint_target(c, "postgres://db/app");
  EXPECT_EQ(t.dialect, Dialect::kSqlite);
  EXPECT_TRUE(t.dialect_configured);
  EXPECT_EQ(c.lint.severity.size(), 1u);  // dialect is no rule
  EXPECT_EQ(c.lint.severity.at("drop-column"), "warning");
}

TEST_F(LintTargetTest, PostgresVersionFromConfigThenServer) {
  std::string why;
  Config c = load("[lint]\npostgres_version = 10\n");
  EXPECT_EQ(c.lint.postgres_version, 10);
  EXPECT_EQ(lint_postgres_version(c, 15, why), 10);
  EXPECT_EQ(why, "[lint] postgres_version");
  Config unset = load("[lint]\n");
  EXPECT_EQ(lint_postgres_version(unset, 15, why), 15);
  EXPECT_EQ(lint_postgres_version(unset, std::nullopt, why), 0);
}

TEST_F(LintTargetTest, BadValuesAreConfigErrorsNamingTheLine) {
  EXPECT_EQ(error_loading("[project]\n[lint]\ndialect = \"mysql\"\n"),
            "trellis.toml:3: [lint] dialect must be \"postgres\" or \"sqlite\", not \"mysql\"");
  EXPECT_EQ(error_loading("[lint]\n\ndialect = 5\n"), "trellis.toml:3: 'dialect' must be a string");
  for (const char* bad : {"8", "100", "\"15\"", "15.2", "-1"}) {
    std::string err = error_loading(std::string("[lint]\npostgres_version = ") + bad + "\n");
    EXPECT_EQ(err, "trellis.toml:2: [lint] postgres_version must be a PostgreSQL major version, a whole number from 9 to 99 (e.g. 15)") << bad;
  }
  for (const char* good : {"9", "99"}) {
    EXPECT_EQ(error_loading(std::string("[lint]\npostgres_version = ") + good + "\n"), "") << good;
  }
}

}  // namespace
}  // namespace trellis
