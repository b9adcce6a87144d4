// Loading a project from disk: order, ids, checksums and the order of the messages, which
// must not depend on how the feature directories are spread over threads.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "trellis/error.h"
#include "trellis/project.h"
#include "trellis/workspace.h"
#include "util/sha256.h"

namespace trellis {
namespace {

class LoaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/trellis-loader-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
    write("trellis.toml", "[env.dev]\ndatabase = \"sqlite:dev.db\"\n");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void write(const std::string& rel, const std::string& text) {
    auto path = std::filesystem::path(dir_) / rel;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
  }
  std::string error_loading() {
    try {
      load_project(dir_);
    } catch (const Error& e) {
      return e.what();
    }
    return "";
  }
  std::string dir_;
};

const char* kBody = "-- +up\nSELECT 1;\n-- +down\nSELECT 2;\n";

TEST_F(LoaderTest, FeaturesByNameMigrationsByNumberValue) {
  for (int f = 20; f >= 1; --f) {  // enough features to be spread over threads
    std::string feature = "f" + std::string(f < 10 ? "0" : "") + std::to_string(f);
    write("migrations/" + feature + "/10_ten.sql", kBody);
    write("migrations/" + feature + "/9_nine.sql", kBody);
    write("migrations/" + feature + "/0002_two.sql", kBody);
  }
  Project p = load_project(dir_);
  ASSERT_EQ(p.migrations.size(), 60u);
  EXPECT_EQ(p.migrations[0].id, "f01/0002_two");
  EXPECT_EQ(p.migrations[1].id, "f01/9_nine");
  EXPECT_EQ(p.migrations[2].id, "f01/10_ten");
  EXPECT_EQ(p.migrations[3].id, "f02/0002_two");
  EXPECT_EQ(p.migrations[59].id, "f20/10_ten");
  EXPECT_EQ(p.migrations[59].path, "migrations/f20/10_ten.sql");
  EXPECT_EQ(p.migrations[59].checksum, sha256_hex(kBody));
  EXPECT_EQ(p.migrations[59].up.sql, "SELECT 1;\n");
}

TEST_F(LoaderTest, ReadsFilesLargerThanOneBufferWhole) {
  std::string big = "-- +up\n";
  for (int i = 0; i < 20000; ++i) big += "INSERT INTO t VALUES (" + std::to_string(i) + ");\n";
  write("migrations/core/0001_big.sql", big);
  Project p = load_project(dir_);
  ASSERT_EQ(p.migrations.size(), 1u);
  EXPECT_GT(big.size(), 300000u);
  EXPECT_EQ(p.migrations[0].checksum, sha256_hex(big));
  EXPECT_EQ(p.migrations[0].up.sql.size(), big.size() - 7);
}

TEST_F(LoaderTest, MessagesComeInNameOrderWhateverThreadReadEachFeature) {
  write("migrations/a/0001_ok.sql", kBody);
  write("migrations/b/0001_no_up.sql", "SELECT 1;\n");
  write("migrations/B-bad/0001_x.sql", kBody);
  write("migrations/c/x.sql", kBody);
  write("migrations/stray.sql", kBody);
  write("migrations/d/0001_one.sql", kBody);
  write("migrations/d/01_again.sql", kBody);
  EXPECT_EQ(error_loading(),
            "migrations/B-bad: feature names use lower-case letters, digits, '_' and '-'\n"
            "migrations/b/0001_no_up.sql:1: SQL before '-- +up' (only directives and comments may come first)\n"
            "  SELECT 1;\n"
            "  ^\n"
            "migrations/b/0001_no_up.sql: no '-- +up' marker; put '-- +up' on its own line before the SQL\n"
            "migrations/c/x.sql: file name must be NNNN_slug.sql: digits, '_', then a slug of ASCII letters, "
      "digits, '_', '-' and '.' (a '.' not first, not last, never two in a row)\n"
            "migrations/stray.sql: migrations live in a feature directory (migrations/<feature>/NNNN_slug.sql)\n"
            "migrations/d/01_again.sql: duplicate number 01 in feature 'd' (also migrations/d/0001_one.sql)");
}

TEST_F(LoaderTest, AlongsideRunsWithTheEnvironmentWhileFilesLoad) {
  write("migrations/core/0001_a.sql", kBody);
  std::string seen;
  Workspace ws(dir_, EnvSelection{}, [&](const Config& c, const Environment& env) {
    seen = env.name + " " + c.migrations_dir;
  });
  EXPECT_EQ(seen, "dev migrations");
  EXPECT_EQ(ws.graph().size(), 1u);
  EXPECT_EQ(ws.env().name, "dev");
}

TEST_F(LoaderTest, BadFilesWinOverAnErrorAlongside) {
  write("migrations/core/0001_a.sql", "-- requires: nothing/0001\n" + std::string(kBody));
  auto load = [&] {
    Workspace ws(dir_, EnvSelection{}, [](const Config&, const Environment&) {
      throw Error(ErrorKind::kConnection, "cannot connect");
    });
  };
  try {
    load();
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kGraph);
    EXPECT_STREQ(e.what(), "migrations/core/0001_a.sql:1: requires 'nothing/0001', which does not exist");
  }
}

TEST_F(LoaderTest, BadFilesWinOverAnUnknownEnvironmentAndAlongsideDoesNotRun) {
  write("migrations/core/0001_a.sql", "SELECT 1;\n");
  bool ran = false;
  try {
    Workspace ws(dir_, EnvSelection{"nope", ""}, [&](const Config&, const Environment&) { ran = true; });
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kParse);
  }
  EXPECT_FALSE(ran);
  write("migrations/core/0001_a.sql", kBody);
  try {
    Workspace ws(dir_, EnvSelection{"nope", ""}, [&](const Config&, const Environment&) { ran = true; });
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kConfig);
    EXPECT_STREQ(e.what(), "unknown environment 'nope' (environments: dev)");
  }
  EXPECT_FALSE(ran);
}

}  // namespace
}  // namespace trellis
