// Drift's parts that need no database: the recorded order of the applied migrations, the
// expected-schema cache (its key, storing and finding, damage, TRELLIS_NO_CACHE).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "engine/drift.h"
#include "engine/expected_cache.h"
#include "test_project.h"

namespace trellis {
namespace {

using testing::mig;

StateRow applied_row(const std::string& id, const std::string& finished, RecordStatus status = RecordStatus::kApplied) {
  StateRow r;
  r.id = id;
  r.status = status;
  r.finished_at = finished;
  return r;
}

HistoryEvent event(std::int64_t seq, const std::string& id, const std::string& action) {
  HistoryEvent e;
  e.seq = seq;
  e.id = id;
  e.action = action;
  return e;
}

std::vector<std::string> ids(const AppliedOrder& order) {
  std::vector<std::string> out;
  for (const Migration* m : order.migrations) out.push_back(m->id);
  return out;
}

TEST(DriftOrder, FollowsTheHistoryNotTheGraph) {
  std::vector<Migration> ms = {mig("billing/0001_a"), mig("core/0001_x"), mig("core/0002_y"), mig("search/0001_s")};
  Graph g(ms);
  // search was applied first, then core, then billing; core/0002 was rolled back and
  // applied again last; a stamp counts as applied; a failed row is not replayed.
  StateIndex state({applied_row("billing/0001_a", "t3"), applied_row("core/0001_x", "t2"),
                    applied_row("core/0002_y", "t9"), applied_row("search/0001_s", "t1", RecordStatus::kFailed)});
  std::vector<HistoryEvent> history = {
      event(1, "search/0001_s", "apply"), event(2, "core/0001_x", "stamp"), event(3, "core/0002_y", "start"),
      event(4, "core/0002_y", "apply"), event(5, "billing/0001_a", "apply"), event(6, "core/0002_y", "rollback"),
      event(7, "search/0001_s", "fail"), event(8, "core/0002_y", "apply"), event(9, "core/0001_x", "accept")};
  AppliedOrder order = applied_in_recorded_order(g, state, history);
  EXPECT_EQ(ids(order), (std::vector<std::string>{"core/0001_x", "billing/0001_a", "core/0002_y"}));
  EXPECT_TRUE(order.without_file.empty());
}

TEST(DriftOrder, RowsWithoutHistoryComeFirstAndOrphansAreNamed) {
  std::vector<Migration> ms = {mig("core/0001_x"), mig("core/0002_y"), mig("core/0003_z")};
  Graph g(ms);
  StateIndex state({applied_row("core/0001_x", "2026-01-02"), applied_row("core/0002_y", "2026-01-01"),
                    applied_row("core/0003_z", "2026-01-03"), applied_row("gone/0001_old", "2026-01-01")});
  AppliedOrder order = applied_in_recorded_order(g, state, {event(1, "core/0001_x", "apply")});
  EXPECT_EQ(ids(order), (std::vector<std::string>{"core/0002_y", "core/0003_z", "core/0001_x"}));
  ASSERT_EQ(order.without_file.size(), 1u);
  EXPECT_EQ(order.without_file[0]->id, "gone/0001_old");
}

class ExpectedCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (std::filesystem::temp_directory_path() / ("trellis-expected-" + std::to_string(::getpid()))).string();
    std::filesystem::remove_all(dir_);
    ::unsetenv("TRELLIS_NO_CACHE");
    model_.backend = "sqlite";
    model_.objects.push_back(SchemaObject{SchemaKind::kTable, "users", "", {}});
    model_.objects.push_back(SchemaObject{SchemaKind::kColumn, "users.email", "users", {}});
    model_.objects.back().set("type", "text").set("nullable", "yes");
    model_.normalize();
  }
  void TearDown() override {
    std::filesystem::remove_all(dir_);
    ::unsetenv("TRELLIS_NO_CACHE");
  }
  std::string dir_;
  SchemaModel model_;
};

TEST_F(ExpectedCacheTest, KeyChangesWithBackendChecksumIdAndOrder) {
  Migration a = mig("core/0001_x"), b = mig("core/0002_y");
  std::string key = expected_schema_key("sqlite", {&a, &b});
  EXPECT_EQ(key, expected_schema_key("sqlite", {&a, &b}));
  EXPECT_NE(key, expected_schema_key("postgres", {&a, &b}));
  EXPECT_NE(key, expected_schema_key("sqlite", {&b, &a}));
  EXPECT_NE(key, expected_schema_key("sqlite", {&a}));
  Migration edited = b;
  edited.checksum = "other";
  EXPECT_NE(key, expected_schema_key("sqlite", {&a, &edited}));
  Migration renamed = b;
  renamed.id = "core/0002_z";
  EXPECT_NE(key, expected_schema_key("sqlite", {&a, &renamed}));
}

TEST_F(ExpectedCacheTest, StoresAndFindsByKeyAcrossInstances) {
  ExpectedSchemaCache(dir_).store("k1", model_);
  auto found = ExpectedSchemaCache(dir_).find("k1");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(*found, model_);
  EXPECT_FALSE(ExpectedSchemaCache(dir_).find("k2").has_value());
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/.gitignore"));
}

TEST_F(ExpectedCacheTest, KeepsTheMostRecentEntries) {
  ExpectedSchemaCache cache(dir_);
  for (std::size_t k = 0; k <= ExpectedSchemaCache::kEntries; ++k) cache.store("k" + std::to_string(k), model_);
  EXPECT_FALSE(cache.find("k0").has_value()) << "the oldest entry goes";
  for (std::size_t k = 1; k <= ExpectedSchemaCache::kEntries; ++k) EXPECT_TRUE(cache.find("k" + std::to_string(k)));
  cache.store("k1", model_);  // stored again: now the most recent
  cache.store("k99", model_);
  EXPECT_TRUE(cache.find("k1").has_value());
  EXPECT_FALSE(cache.find("k2").has_value());
}

TEST_F(ExpectedCacheTest, ADamagedFileIsAnEmptyCache) {
  ExpectedSchemaCache cache(dir_);
  cache.store("k1", model_);
  std::string path = dir_ + "/expected-schemas.bin";
  auto size = std::filesystem::file_size(path);
  std::filesystem::resize_file(path, size - 3);
  EXPECT_FALSE(cache.find("k1").has_value());
  std::ofstream(path, std::ios::binary) << "garbage";
  EXPECT_FALSE(cache.find("k1").has_value());
  cache.store("k1", model_);  // and is replaced
  EXPECT_TRUE(cache.find("k1").has_value());
}

TEST_F(ExpectedCacheTest, NoCacheNeitherReadsNorWrites) {
  ExpectedSchemaCache(dir_).store("k1", model_);
  ::setenv("TRELLIS_NO_CACHE", "1", 1);
  EXPECT_FALSE(ExpectedSchemaCache(dir_).find("k1").has_value());
  ExpectedSchemaCache(dir_).store("k2", model_);
  ::unsetenv("TRELLIS_NO_CACHE");
  EXPECT_TRUE(ExpectedSchemaCache(dir_).find("k1").has_value());
  EXPECT_FALSE(ExpectedSchemaCache(dir_).find("k2").has_value());
}

}  // namespace
}  // namespace trellis
