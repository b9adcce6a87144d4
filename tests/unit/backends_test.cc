// The table of backends by URL scheme (src/db/backends.cc): what every caller asks of a URL.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>

#include "trellis/driver.h"
#include "trellis/error.h"

namespace trellis {
namespace {

TEST(Backends, NameTheBackendOfEachUrlForm) {
  EXPECT_EQ(backend_name("sqlite:dev.db"), "sqlite");
  EXPECT_EQ(backend_name("sqlite::memory:"), "sqlite");
  EXPECT_EQ(backend_name("postgres://u@h/db"), "postgres");
  EXPECT_EQ(backend_name("postgresql://h/db"), "postgres");
  EXPECT_EQ(backend_name("host=h dbname=db"), "postgres");
  EXPECT_EQ(backend_name("mysql://u:p@h/db"), "");
  EXPECT_EQ(backend_name("mysql://h/db?sslmode=require"), "");  // an '=' alone is not libpq's form
  EXPECT_EQ(backend_name(""), "");
}

TEST(Backends, CheckNamesWhereTheUrlCameFromAndTheAcceptedForms) {
  EXPECT_NO_THROW(check_database_url("sqlite:a.db", "trellis.toml:3"));
  EXPECT_NO_THROW(check_database_url("host=h dbname=db", "--database"));
  try {
    check_database_url("mysql://u:secret@h/db", "trellis.toml:3: environment 'prod'");
    FAIL() << "accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kConfig);
    EXPECT_STREQ(e.what(), "trellis.toml:3: environment 'prod': unsupported database URL scheme 'mysql'");
    EXPECT_NE(e.hint().find("sqlite:PATH"), std::string::npos) << e.hint();
    EXPECT_NE(e.hint().find("postgres://"), std::string::npos) << e.hint();
  }
  try {
    check_database_url("sqlite:", "--database");
    FAIL() << "accepted";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "--database: database URL 'sqlite:' has no path");
  }
}

TEST(Backends, AKeyValueStringMayHoldAUrlInAValue) {
  const std::string kv = "host=db password=s3cret application_name=svc://x";
  EXPECT_EQ(backend_name(kv), "postgres");
  EXPECT_NO_THROW(check_database_url(kv, "--database"));
  EXPECT_EQ(mask_url(kv), "host=db password=*** application_name=svc://x");
  EXPECT_NO_THROW(check_database_url("host=db password=s3cret", "--database"));  // no scheme needed
}

TEST(Backends, AMalformedSqliteUrlSaysHowToWriteOne) {
  try {
    check_database_url("sqlite:", "trellis.toml:4: environment 'dev'");
    FAIL() << "accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.hint(), "write sqlite:PATH (relative to the project directory) or sqlite::memory:");
  }
}

TEST(Backends, AnchorOnlyRelativeFilePaths) {
  EXPECT_EQ(anchor_database_url("sqlite:dev.db", "/srv/app"), "sqlite:/srv/app/dev.db");
  EXPECT_EQ(anchor_database_url("sqlite://data/dev.db", "/srv/app"), "sqlite:/srv/app/data/dev.db");
  EXPECT_EQ(anchor_database_url("sqlite:/abs/dev.db", "/srv/app"), "sqlite:/abs/dev.db");
  EXPECT_EQ(anchor_database_url("sqlite::memory:", "/srv/app"), "sqlite::memory:");
  EXPECT_EQ(anchor_database_url("postgres://h/db", "/srv/app"), "postgres://h/db");
}

TEST(Backends, OpeningCreatesOnlyAMissingFileOrMemory) {
  auto dir = std::filesystem::temp_directory_path() / ("trellis-backends-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string existing = (dir / "here.db").string();
  { auto db = open_driver("sqlite:" + existing, OpenMode::kReadWrite, ""); }
  EXPECT_FALSE(opening_creates("sqlite:" + existing));
  EXPECT_TRUE(opening_creates("sqlite:" + (dir / "missing.db").string()));
  EXPECT_TRUE(opening_creates("sqlite::memory:"));
  EXPECT_FALSE(opening_creates("postgres://h/db"));
  std::filesystem::remove_all(dir);
}

TEST(Backends, MaskAskedOfTheBackend) {
  EXPECT_EQ(mask_url("postgres://app:secret@db/shop"), "postgres://app:***@db/shop");
  EXPECT_EQ(mask_url("host=db password=secret"), "host=db password=***");
  EXPECT_EQ(mask_url("sqlite:pass=word.db"), "sqlite:pass=word.db");
  EXPECT_EQ(mask_url("mysql://u:secret@h/db"), "mysql://u:***@h/db");  // no backend: masked all the same
}

TEST(Backends, OpenRefusesAnUnknownSchemeWithoutItsPassword) {
  try {
    open_driver("mysql://u:secret@h/db", OpenMode::kReadOnly, "");
    FAIL() << "opened";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kConfig);
    EXPECT_EQ(std::string(e.what()).find("secret"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace trellis
