#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "lint_test_util.h"

namespace trellis {
namespace {

TEST(AnalysisCache, ReusesAnalysesByChecksumAcrossRuns) {
  auto dir = std::filesystem::temp_directory_path() / ("trellis-cache-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  auto m = testing::migration("a/0001_x", "CREATE INDEX ix ON orders (a);\nALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (u) REFERENCES users (id);");
  {
    AnalysisCache cache(dir.string());
    cache.load();
    EXPECT_EQ(cache.get(m).statements.size(), 2u);
    EXPECT_EQ(cache.misses(), 1);
    cache.save();
  }
  AnalysisCache again(dir.string());
  again.load();
  const MigrationAnalysis& a = again.get(m);
  EXPECT_EQ(again.hits(), 1);
  EXPECT_EQ(again.misses(), 0);
  MigrationAnalysis fresh = analyse_migration(m);
  ASSERT_EQ(a.statements.size(), fresh.statements.size());
  EXPECT_EQ(a.statements[1].locks.size(), fresh.statements[1].locks.size());
  EXPECT_EQ(a.statements[0].hazards[0].message, fresh.statements[0].hazards[0].message);
  // An edited file is analysed again.
  auto edited = m;
  edited.checksum = "other";
  edited.up.sql = "CREATE TABLE z (id bigint);";
  EXPECT_EQ(again.get(edited).statements.size(), 1u);
  EXPECT_EQ(again.misses(), 1);
  // Lint through the cache gives the same report as without it.
  auto via_cache = lint({m}, {}, [&](const Migration& x) -> const MigrationAnalysis& { return again.get(x); });
  EXPECT_EQ(format_report(via_cache, LintFormat::kJson), format_report(lint({m}, {}), LintFormat::kJson));
  std::filesystem::remove_all(dir);
}

TEST(AnalysisCache, DamagedCacheFileIsIgnored) {
  auto dir = std::filesystem::temp_directory_path() / ("trellis-cache-bad-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  { std::ofstream(dir / "analysis-cache.json") << "{\"format\": 1, \"entries\": {\"x\": 3}}"; }
  AnalysisCache cache(dir.string());
  cache.load();
  auto m = testing::migration("a/0001_x", "SELECT 1;");
  m.checksum = "x";
  EXPECT_EQ(cache.get(m).statements.size(), 1u);
  EXPECT_EQ(cache.misses(), 1);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace trellis
