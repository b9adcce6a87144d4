// The file cache in .trellis/files.bin: a warm load gives exactly what a cold load gives,
// an edit, an added, removed or renamed file is always seen, young (racy) files and
// directories are never cached, a damaged cache is ignored.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "project/file_cache.h"
#include "project/migration_loader.h"
#include "trellis/project.h"
#include "util/cache_file.h"

namespace trellis {
namespace {

namespace fs = std::filesystem;

constexpr std::int64_t kLater = 60'000'000'000;  // a clock a minute ahead: every file settled

class FileCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/trellis-file-cache-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
    write("trellis.toml", "[env.dev]\ndatabase = \"sqlite:dev.db\"\n");
    write("migrations/core/0001_users.sql", "-- +up\nCREATE TABLE users (id integer);\n");
    write("migrations/core/0002_emails.sql", "-- +up\nALTER TABLE users ADD email text;\n");
    write("migrations/billing/0001_invoices.sql",
          "-- requires: core/0001\n-- +up\nCREATE TABLE invoices (id integer);\n");
  }
  void TearDown() override { fs::remove_all(dir_); }

  void write(const std::string& rel, const std::string& text) {
    auto path = fs::path(dir_) / rel;
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  }
  std::string cache_dir() const { return dir_ + "/.trellis"; }
  std::string cache_file() const { return cache_dir() + "/files.bin"; }

  // One load, with a cache whose clock is `ahead_ns` past the real one. Returns the
  // migrations; `hits` gets how many files came from the cache, `listing_hits` how many
  // directories.
  std::vector<Migration> load(std::int64_t ahead_ns, std::size_t* hits = nullptr,
                              std::size_t* listing_hits = nullptr) {
    Config config = load_config(dir_);
    FileCache cache(cache_dir(), FileCache::wall_clock_ns() + ahead_ns);
    cache.load();
    auto out = load_migrations_with(config, &cache);
    if (hits) *hits = cache.hits();
    if (listing_hits) *listing_hits = cache.listing_hits();
    return out;
  }
  // Kernel timestamps move once per clock tick: after this, a change to a file or a
  // directory gives it a stamp other than the one cached before.
  static void next_tick() { std::this_thread::sleep_for(std::chrono::milliseconds(30)); }

  std::string dir_;
};

void expect_same(const std::vector<Migration>& a, const std::vector<Migration>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].id, b[i].id);
    EXPECT_EQ(a[i].path, b[i].path);
    EXPECT_EQ(a[i].checksum, b[i].checksum);
    EXPECT_EQ(a[i].up.sql, b[i].up.sql);
    EXPECT_EQ(a[i].up.first_line, b[i].up.first_line);
    ASSERT_EQ(a[i].requirements.size(), b[i].requirements.size());
  }
}

TEST_F(FileCacheTest, WarmLoadComesFromTheCacheAndEqualsAColdOne) {
  auto cold = load_migrations(load_config(dir_), FileCacheUse::kBypass);
  EXPECT_FALSE(fs::exists(cache_file())) << "kBypass must not write the cache";

  std::size_t hits = 99, listing_hits = 99;
  expect_same(load(kLater, &hits, &listing_hits), cold);
  EXPECT_EQ(hits, 0u);
  EXPECT_EQ(listing_hits, 0u);
  ASSERT_TRUE(fs::exists(cache_file()));
  EXPECT_TRUE(fs::exists(cache_dir() + "/.gitignore"));

  expect_same(load(kLater, &hits, &listing_hits), cold);
  EXPECT_EQ(hits, 3u);
  EXPECT_EQ(listing_hits, 3u) << "migrations/, migrations/billing and migrations/core";
}

TEST_F(FileCacheTest, AnEditedFileIsReadAgainEvenWithTheSameSize) {
  load(kLater);
  next_tick();
  write("migrations/core/0002_emails.sql", "-- +up\nALTER TABLE users ADD phone text;\n");
  std::size_t hits = 0;
  auto warm = load(kLater, &hits);
  EXPECT_EQ(hits, 2u);
  EXPECT_EQ(warm[2].id, "core/0002_emails");
  EXPECT_EQ(warm[2].up.sql, "ALTER TABLE users ADD phone text;\n");
  expect_same(warm, load_migrations(load_config(dir_), FileCacheUse::kBypass));
}

TEST_F(FileCacheTest, YoungFilesAndDirectoriesAreNeverCached) {
  std::size_t hits = 0, listing_hits = 0;
  load(0);   // the real clock: every file was written within FileCache::kSettle
  load(0, &hits, &listing_hits);
  EXPECT_EQ(hits, 0u);
  EXPECT_EQ(listing_hits, 0u);
  FileCache cache(cache_dir(), FileCache::wall_clock_ns());
  cache.load();
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.listings(), 0u);
}

TEST_F(FileCacheTest, SettledMeansBothTimesOlderThanTheMargin) {
  std::int64_t now = 100 * FileCache::kSettle;
  FileCache cache(cache_dir(), now);
  FileStamp s;
  s.mtime_ns = s.ctime_ns = now - FileCache::kSettle - 1;
  EXPECT_TRUE(cache.settled(s));
  s.ctime_ns = now - FileCache::kSettle;
  EXPECT_FALSE(cache.settled(s));
  s.ctime_ns = now - 2 * FileCache::kSettle;
  s.mtime_ns = now + 1;  // an mtime set into the future
  EXPECT_FALSE(cache.settled(s));
}

TEST_F(FileCacheTest, RemovedAndAddedFilesAreSeen) {
  load(kLater);
  next_tick();
  fs::remove(fs::path(dir_) / "migrations/core/0002_emails.sql");
  write("migrations/search/0001_index.sql", "-- +up\nCREATE TABLE docs (id integer);\n");
  std::size_t listing_hits = 0;
  auto warm = load(kLater, nullptr, &listing_hits);
  EXPECT_EQ(listing_hits, 1u) << "only migrations/billing is unchanged";
  ASSERT_EQ(warm.size(), 3u);
  EXPECT_EQ(warm[0].id, "billing/0001_invoices");
  EXPECT_EQ(warm[1].id, "core/0001_users");
  EXPECT_EQ(warm[2].id, "search/0001_index");
  FileCache cache(cache_dir(), FileCache::wall_clock_ns());
  cache.load();
  EXPECT_EQ(cache.size(), 3u) << "the removed file's entry is dropped";
}

TEST_F(FileCacheTest, AFileAddedToACachedDirectoryIsSeen) {
  load(kLater);
  next_tick();
  write("migrations/core/0003_phones.sql", "-- +up\nALTER TABLE users ADD phone text;\n");
  std::size_t hits = 0, listing_hits = 0;
  auto warm = load(kLater, &hits, &listing_hits);
  ASSERT_EQ(warm.size(), 4u);
  EXPECT_EQ(warm[3].id, "core/0003_phones");
  EXPECT_EQ(hits, 3u);
  EXPECT_EQ(listing_hits, 2u) << "migrations/ and migrations/billing are unchanged";
}

TEST_F(FileCacheTest, ARenamedFileIsSeenUnderItsNewName) {
  load(kLater);
  next_tick();
  fs::rename(fs::path(dir_) / "migrations/core/0002_emails.sql", fs::path(dir_) / "migrations/core/0002_mails.sql");
  auto warm = load(kLater);
  ASSERT_EQ(warm.size(), 3u);
  EXPECT_EQ(warm[2].id, "core/0002_mails");
  expect_same(warm, load_migrations(load_config(dir_), FileCacheUse::kBypass));
}

TEST_F(FileCacheTest, DamagedContentIsNoticedByItsChecksum) {
  load(kLater);
  std::string data = read_cache_file(cache_file());
  auto at = data.find("CREATE TABLE users");
  ASSERT_NE(at, std::string::npos);
  data[at] = 'X';  // same length: the format still reads back, the content is wrong
  std::ofstream(cache_file(), std::ios::binary | std::ios::trunc) << data;
  expect_same(load(kLater), load_migrations(load_config(dir_), FileCacheUse::kBypass));
}

// A listing has no checksum of its own to catch a damaged name (".sql" turned into ".sqm"
// would hide a migration): the listings' digest does, and they are all listed again.
TEST_F(FileCacheTest, DamagedListingIsNoticedByItsDigest) {
  load(kLater);
  std::string data = read_cache_file(cache_file());
  auto at = data.find("0002_emails.sql");  // the listings come before the files
  ASSERT_NE(at, std::string::npos);
  data[at + 14] = 'm';
  std::ofstream(cache_file(), std::ios::binary | std::ios::trunc) << data;
  std::size_t hits = 0, listing_hits = 9;
  auto warm = load(kLater, &hits, &listing_hits);
  EXPECT_EQ(listing_hits, 0u);
  EXPECT_EQ(hits, 3u) << "the files' entries are still good";
  expect_same(warm, load_migrations(load_config(dir_), FileCacheUse::kBypass));
}

TEST_F(FileCacheTest, GarbageOrTruncatedCacheIsAnEmptyCache) {
  load(kLater);
  std::string data = read_cache_file(cache_file());
  for (const std::string& bad : {std::string("not a cache"), data.substr(0, data.size() / 2)}) {
    std::ofstream(cache_file(), std::ios::binary | std::ios::trunc) << bad;
    FileCache cache(cache_dir(), FileCache::wall_clock_ns());
    cache.load();
    EXPECT_EQ(cache.size(), 0u);
    std::size_t hits = 9;
    expect_same(load(kLater, &hits), load_migrations(load_config(dir_), FileCacheUse::kBypass));
    EXPECT_EQ(hits, 0u);
  }
}

TEST_F(FileCacheTest, EnvironmentVariableTurnsItOff) {
  ::setenv("TRELLIS_NO_CACHE", "1", 1);
  load_migrations(load_config(dir_));
  ::unsetenv("TRELLIS_NO_CACHE");
  EXPECT_FALSE(fs::exists(cache_dir()));
}

TEST_F(FileCacheTest, AnUnwritableProjectStillLoads) {
  if (::geteuid() == 0) {
    // root writes anywhere: make .trellis a file instead, which no one can write into.
    write(".trellis", "in the way");
  } else {
    fs::permissions(dir_, fs::perms::owner_write, fs::perm_options::remove);
  }
  EXPECT_EQ(load(kLater).size(), 3u);
  fs::permissions(dir_, fs::perms::owner_write, fs::perm_options::add);
}

}  // namespace
}  // namespace trellis
