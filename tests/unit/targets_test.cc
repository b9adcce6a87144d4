// A fleet's targets file (trellis/targets.h), the ${VAR} interpolation it shares with
// trellis.toml, and a target's environment (trellis/fleet.h).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "project/interpolate.h"
#include "trellis/error.h"
#include "trellis/fleet.h"
#include "trellis/targets.h"

namespace trellis {
namespace {

class TargetsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/trellis-targets-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string write(const std::string& text) {
    std::string path = dir_ + "/targets.toml";
    std::ofstream(path) << text;
    return path;
  }
  std::string error_loading(const std::string& text) {
    try {
      load_targets(write(text));
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kConfig);
      return e.what();
    }
    return "";
  }
  std::string dir_;
};

TEST_F(TargetsTest, KeepsTheFilesOrderNotTomlsSortedKeys) {
  auto targets = load_targets(write("[target.zeta]\ndatabase = \"sqlite:z.db\"\n\n"
                                    "[target.alpha]\ndatabase = \"sqlite:a.db\"\nenv = \"production\"\n\n"
                                    "[target.mid]\ndatabase = \"sqlite:m.db\"\n"));
  ASSERT_EQ(targets.size(), 3u);
  EXPECT_EQ(targets[0].name, "zeta");
  EXPECT_EQ(targets[1].name, "alpha");
  EXPECT_EQ(targets[1].env, "production");
  EXPECT_EQ(targets[1].line, 5);
  EXPECT_EQ(targets[2].name, "mid");
  EXPECT_EQ(targets[0].env, "");
}

TEST_F(TargetsTest, ExpandsVariablesAndNamesTheLineOfAnUnsetOne) {
  ::setenv("TRELLIS_TARGETS_TEST_HOST", "db.internal", 1);
  auto targets = load_targets(write("[target.a]\ndatabase = \"postgresql://app@${TRELLIS_TARGETS_TEST_HOST}/shop\"\n"));
  EXPECT_EQ(targets.at(0).database, "postgresql://app@db.internal/shop");
  std::string e = error_loading("[target.a]\ndatabase = \"sqlite:a.db\"\n[target.b]\ndatabase = \"${TRELLIS_TARGETS_UNSET}\"\n");
  EXPECT_NE(e.find("targets.toml:4: target 'b': ${TRELLIS_TARGETS_UNSET} is not set"), std::string::npos) << e;
  EXPECT_NE(error_loading("[target.a]\ndatabase = \"${OPEN\"\n").find("unterminated '${' in database"), std::string::npos);
}

TEST_F(TargetsTest, InterpolationIsTheOneOfTrellisToml) {
  ::setenv("TRELLIS_TARGETS_TEST_X", "x", 1);
  EXPECT_EQ(interpolate_variables("a${TRELLIS_TARGETS_TEST_X}b${TRELLIS_TARGETS_TEST_X}", "w: ", "k"), "axbx");
  ::setenv("TRELLIS_TARGETS_TEST_EMPTY", "", 1);
  try {
    interpolate_variables("${TRELLIS_TARGETS_TEST_EMPTY}", "where: ", "database");
    ADD_FAILURE() << "an empty variable is an error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "where: ${TRELLIS_TARGETS_TEST_EMPTY} is empty");
  }
}

TEST_F(TargetsTest, RefusesWhatIsNotATargetsFile) {
  EXPECT_NE(error_loading("[target.a]\nurl = \"x\"\n").find(":2: target 'a': unknown key 'url' (known: database, env)"),
            std::string::npos);
  EXPECT_NE(error_loading("[target.a]\nenv = \"dev\"\n").find(":1: target 'a' has no database"), std::string::npos);
  EXPECT_NE(error_loading("title = 1\n").find(":1: unknown section [title]"), std::string::npos);
  EXPECT_NE(error_loading("").find("targets.toml: no targets"), std::string::npos);
  EXPECT_NE(error_loading("[target.a]\ndatabase = \"\"\n").find(":2: target 'a': 'database' is empty"),
            std::string::npos);
  EXPECT_NE(error_loading("[target]\na = 1\n").find("target 'a' must be a table"), std::string::npos);
}

TEST_F(TargetsTest, ATargetTakesItsEnvironmentWithItsOwnDatabase) {
  Config config;
  config.root = dir_;
  Environment production;
  production.name = "production";
  production.database = "${TRELLIS_TARGETS_NEVER_SET}";  // never read: the target brings its own
  production.all_features = false;
  production.features = {"core"};
  production.settings.lock_retries = 9;
  config.environments["production"] = production;
  FleetTarget t{"eu1", "sqlite:eu1.db", "production", "targets.toml", 3};
  Environment env = target_environment(config, t, "");
  EXPECT_EQ(env.name, "production");
  EXPECT_EQ(env.settings.lock_retries, 9);
  EXPECT_FALSE(env.releases("billing"));
  EXPECT_EQ(env.database, "sqlite:" + dir_ + "/eu1.db") << "anchored at the project directory";
  EXPECT_EQ(env.database_origin, "targets.toml:3: target 'eu1'");
  Environment none = target_environment(config, FleetTarget{"eu2", "sqlite:eu2.db", "", "targets.toml", 5}, "");
  EXPECT_EQ(none.name, "production") << "the only environment is the default one";
  config.environments["dev"] = Environment{};
  none = target_environment(config, FleetTarget{"eu2", "sqlite:eu2.db", "", "targets.toml", 5}, "");
  EXPECT_EQ(none.name, "(defaults)") << "no default environment: [defaults], every feature";
  EXPECT_TRUE(none.releases("billing"));
  t.env = "prod";
  try {
    target_environment(config, t, "");
    ADD_FAILURE() << "an unknown environment is an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("targets.toml:3: target 'eu1': unknown environment 'prod'"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace trellis
