#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "trellis/error.h"
#include "trellis/project.h"
#include "trellis/workspace.h"

namespace trellis {
namespace {

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/trellis-config-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void write(const std::string& text) { std::ofstream(dir_ + "/trellis.toml") << text; }
  std::string error_loading() {
    try {
      load_config(dir_);
    } catch (const Error& e) {
      return e.what();
    }
    return "";
  }
  std::string dir_;
};

TEST_F(ConfigTest, ReadsEnvironmentsAndDefaults) {
  write("[project]\nmigrations = \"db\"\ndefault_env = \"dev\"\n[defaults]\nlock_timeout = \"2s\"\nlock_retries = 3\n"
        "[env.dev]\ndatabase = \"sqlite:dev.db\"\nfeatures = \"all\"\n"
        "[env.production]\ndatabase = \"postgres://x\"\nfeatures = [\"core\"]\nallow_contract = false\nlock_timeout = \"500ms\"\n");
  Config c = load_config(dir_);
  EXPECT_EQ(c.migrations_dir, "db");
  ASSERT_EQ(c.environments.size(), 2u);
  EXPECT_TRUE(c.environments["dev"].all_features);
  EXPECT_EQ(c.environments["dev"].settings.lock_timeout, Millis{2000});
  EXPECT_EQ(c.environments["production"].settings.lock_timeout, Millis{500});
  EXPECT_EQ(c.environments["production"].settings.lock_retries, 3);
  EXPECT_FALSE(c.environments["production"].releases("billing"));
  Environment dev = resolve_environment(c, {});
  EXPECT_EQ(dev.database, "sqlite:" + dir_ + "/dev.db");
}

TEST_F(ConfigTest, UnsetVariableIsAnErrorNamingVariableAndEnvironment) {
  write("[env.production]\ndatabase = \"${TRELLIS_TEST_SURELY_UNSET}\"\n");
  ::unsetenv("TRELLIS_TEST_SURELY_UNSET");
  Config c = load_config(dir_);
  try {
    resolve_environment(c, {"production", ""});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "trellis.toml:2: environment 'production': ${TRELLIS_TEST_SURELY_UNSET} is not set");
    EXPECT_EQ(e.kind(), ErrorKind::kConfig);
  }
  ::setenv("TRELLIS_TEST_SURELY_UNSET", "postgres://h/db", 1);
  EXPECT_EQ(resolve_environment(c, {"production", ""}).database, "postgres://h/db");
  ::unsetenv("TRELLIS_TEST_SURELY_UNSET");
}

TEST_F(ConfigTest, UnknownEnvironment) {
  write("[env.dev]\ndatabase = \"sqlite:a.db\"\n[env.production]\ndatabase = \"sqlite:b.db\"\n");
  Config c = load_config(dir_);
  try {
    resolve_environment(c, {"staging", ""});
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "unknown environment 'staging' (environments: dev, production)");
  }
}

TEST_F(ConfigTest, UnknownKeyAndBadTypesNameTheLine) {
  write("[project]\nmigratons = \"x\"\n");
  EXPECT_EQ(error_loading(),
            "trellis.toml:2: unknown key 'migratons' in [project] (known: migrations, state_schema, default_env)");
  write("[env.dev]\ndatabase = \"sqlite:x\"\nfeatures = 3\n");
  EXPECT_EQ(error_loading(), "trellis.toml:3: 'features' must be \"all\" or a list of feature names");
  write("[defaults]\nlock_timeout = \"soon\"\n");
  EXPECT_EQ(error_loading(),
            "trellis.toml:2: 'lock_timeout' is not a duration (e.g. \"500ms\", \"3s\", \"2min\", \"1h\", "
            "or 0 for none)");
}

TEST_F(ConfigTest, DurationsNeedAUnitExceptZero) {
  write("[defaults]\nlock_timeout = 5\n");
  EXPECT_EQ(error_loading(), "trellis.toml:2: 'lock_timeout' needs a unit: write \"5s\" or \"5ms\" (only 0 may "
                             "go without one, meaning none)");
  write("[defaults]\nlock_wait = \"5\"\n");
  EXPECT_EQ(error_loading().rfind("trellis.toml:2: 'lock_wait' needs a unit", 0), 0u) << error_loading();
  write("[env.dev]\ndatabase = \"sqlite:x\"\nstatement_timeout = 2.5\n");
  EXPECT_EQ(error_loading().rfind("trellis.toml:3: 'statement_timeout' needs a unit: write \"2.5s\"", 0), 0u)
      << error_loading();
  write("[defaults]\nlock_timeout = 0\nstatement_timeout = \"0\"\nlock_wait = \"1.5s\"\n");
  Config c = load_config(dir_);
  EXPECT_EQ(c.defaults.lock_timeout, Millis{0});
  EXPECT_EQ(c.defaults.statement_timeout, Millis{0});
  EXPECT_EQ(c.defaults.runner_lock_wait, Millis{1500});
}

TEST_F(ConfigTest, DefaultEnvMustNameAnEnvironment) {
  write("[project]\ndefault_env = \"prod\"\n[env.dev]\ndatabase = \"sqlite:x\"\n[env.production]\n"
        "database = \"sqlite:y\"\n");
  EXPECT_EQ(error_loading(), "trellis.toml:2: default_env 'prod' is not an environment (environments: dev, production)");
  write("[project]\ndefault_env = \"dve\"\n[env.dev]\ndatabase = \"sqlite:x\"\n");
  EXPECT_EQ(error_loading(),
            "trellis.toml:2: default_env 'dve' is not an environment; did you mean \"dev\"? (environments: dev)");
}

TEST_F(ConfigTest, TomlSyntaxErrorHasLine) {
  write("[project]\nmigrations = \n");
  EXPECT_EQ(error_loading().rfind("trellis.toml:2: ", 0), 0u) << error_loading();
}

TEST_F(ConfigTest, DriftIgnorePatternsAreCheckedWithTheirLine) {
  write("[drift]\nignore = [\"table:audit_*\",\n  \"index:*_tmp\"]\n");
  Config c = load_config(dir_);
  ASSERT_EQ(c.drift.ignore.size(), 2u);
  EXPECT_EQ(c.drift.ignore[0], (std::pair<std::string, int>{"table:audit_*", 2}));
  EXPECT_EQ(c.drift.ignore[1], (std::pair<std::string, int>{"index:*_tmp", 3}));
  write("[drift]\nignore = [\"table:a\",\n  \"tabel:audit_*\"]\n");
  EXPECT_EQ(error_loading().rfind("trellis.toml:3: [drift] ignore: 'tabel:audit_*': unknown object kind 'tabel'", 0), 0u)
      << error_loading();
  write("[drift]\nignore = [\"audit_log\"]\n");
  EXPECT_EQ(error_loading(), "trellis.toml:2: [drift] ignore: 'audit_log' is not KIND:NAME (e.g. \"table:audit_*\")");
  write("[drift]\nignore = \"table:x\"\n");
  EXPECT_EQ(error_loading().rfind("trellis.toml:2: 'ignore' must be a list", 0), 0u) << error_loading();
  write("[drift]\nignored = []\n");
  EXPECT_EQ(error_loading(), "trellis.toml:2: unknown key 'ignored' in [drift] (known: ignore)");
}

TEST_F(ConfigTest, ScratchDatabaseFromDefaultsOrTheEnvironment) {
  write("[defaults]\nscratch_database = \"postgres://ci@scratch/postgres\"\n"
        "[env.dev]\ndatabase = \"postgres://app@db/shop\"\n"
        "[env.prod]\ndatabase = \"postgres://app@db/prod\"\nscratch_database = \"${TRELLIS_TEST_SCRATCH}\"\n");
  Config c = load_config(dir_);
  Environment dev = resolve_environment(c, {"dev", ""});
  EXPECT_EQ(dev.settings.scratch_database, "postgres://ci@scratch/postgres");
  EXPECT_EQ(dev.settings.scratch_database_line, 2);
  ::setenv("TRELLIS_TEST_SCRATCH", "postgres://ci@other/postgres", 1);
  EXPECT_EQ(resolve_environment(c, {"prod", ""}).settings.scratch_database, "postgres://ci@other/postgres");
  ::unsetenv("TRELLIS_TEST_SCRATCH");
  try {
    resolve_environment(c, {"prod", ""});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "trellis.toml:7: environment 'prod': ${TRELLIS_TEST_SCRATCH} is not set");
  }
  write("[env.dev]\ndatabase = \"sqlite:dev.db\"\nscratch_database = \"mysql://x\"\n");
  try {
    resolve_environment(load_config(dir_), {});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "trellis.toml:3: scratch_database: unsupported database URL scheme 'mysql'");
    EXPECT_EQ(e.kind(), ErrorKind::kConfig);
  }
  write("[env.dev]\ndatabase = \"sqlite:dev.db\"\nscratch_database = \"\"\n");
  EXPECT_EQ(error_loading(), "trellis.toml:3: 'scratch_database' is empty (leave it out to use the live server)");
}

}  // namespace
}  // namespace trellis
