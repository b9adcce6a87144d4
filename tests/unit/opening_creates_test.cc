// opening_creates: whether opening a URL for writing would create the database, asked of
// db/ (apply's early work must not create anything before the files are known good).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "trellis/driver.h"

namespace trellis {
namespace {

TEST(OpeningCreates, SqliteFileThatDoesNotExistYetOrMemory) {
  char tmpl[] = "/tmp/trellis-opening-XXXXXX";
  std::string dir = ::mkdtemp(tmpl);
  EXPECT_TRUE(opening_creates("sqlite:" + dir + "/new.db"));
  std::ofstream(dir + "/old.db") << "";
  EXPECT_FALSE(opening_creates("sqlite:" + dir + "/old.db"));
  EXPECT_TRUE(opening_creates("sqlite::memory:"));
  EXPECT_FALSE(opening_creates("postgres://localhost/shop"));
  EXPECT_FALSE(opening_creates("host=localhost dbname=shop"));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace trellis
