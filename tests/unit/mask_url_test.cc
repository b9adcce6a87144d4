#include <gtest/gtest.h>

#include "trellis/driver.h"

namespace trellis {
namespace {

TEST(MaskUrl, SqliteUnchanged) {
  EXPECT_EQ(mask_url("sqlite:dev.db"), "sqlite:dev.db");
  EXPECT_EQ(mask_url("sqlite::memory:"), "sqlite::memory:");
  EXPECT_EQ(mask_url("sqlite:pass:word@x.db"), "sqlite:pass:word@x.db");
}

TEST(MaskUrl, PostgresUserinfoPassword) {
  EXPECT_EQ(mask_url("postgres://user:secret@h/db"), "postgres://user:***@h/db");
  EXPECT_EQ(mask_url("postgresql://app:s%40cr3t@db:5432/shop?sslmode=require"),
            "postgresql://app:***@db:5432/shop?sslmode=require");
  EXPECT_EQ(mask_url("postgres://user:secret@h"), "postgres://user:***@h");
}

TEST(MaskUrl, PostgresWithoutPasswordUnchanged) {
  EXPECT_EQ(mask_url("postgres://user@h/db"), "postgres://user@h/db");
  EXPECT_EQ(mask_url("postgresql:///db?host=/tmp/x&user=postgres"),
            "postgresql:///db?host=/tmp/x&user=postgres");
  EXPECT_EQ(mask_url("postgres://h:5432/db"), "postgres://h:5432/db");
}

TEST(MaskUrl, PostgresQueryPassword) {
  EXPECT_EQ(mask_url("postgresql:///db?user=a&password=secret&sslmode=disable"),
            "postgresql:///db?user=a&password=***&sslmode=disable");
  EXPECT_EQ(mask_url("postgres://u:p1@h/db?password=p2"), "postgres://u:***@h/db?password=***");
}

TEST(MaskUrl, PostgresAtSignInPasswordOfUserinfo) {
  EXPECT_EQ(mask_url("postgres://u:a@b@h/db"), "postgres://u:***@h/db");
}

TEST(MaskUrl, KeyValuePassword) {
  EXPECT_EQ(mask_url("host=db dbname=shop password=secret user=app"),
            "host=db dbname=shop password=*** user=app");
  EXPECT_EQ(mask_url("password=secret"), "password=***");
  EXPECT_EQ(mask_url("host=db password = secret"), "host=db password = ***");
}

TEST(MaskUrl, KeyValueQuotedPassword) {
  EXPECT_EQ(mask_url("host=db password='se cr\\'et' dbname=shop"),
            "host=db password=*** dbname=shop");
  EXPECT_EQ(mask_url("password='' host=db"), "password=*** host=db");
}

TEST(MaskUrl, KeyValueOtherKeysEndingInPasswordUntouched) {
  EXPECT_EQ(mask_url("host=db oldpassword=x"), "host=db oldpassword=x");
}

TEST(MaskUrl, KeyValueWithoutPasswordUnchanged) {
  EXPECT_EQ(mask_url("host=/tmp/x dbname=shop user=postgres"),
            "host=/tmp/x dbname=shop user=postgres");
}

}  // namespace
}  // namespace trellis
