#include "project/ids.h"
#include "trellis/scaffold.h"

#include <gtest/gtest.h>

namespace trellis {
namespace {

TEST(Ids, SlugsMayContainDotsBetweenOtherCharacters) {
  auto f = parse_file_name("0030_2.0.0_schema.sql");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->number, "0030");
  EXPECT_EQ(f->slug, "2.0.0_schema");
  auto id = parse_id("core/0030_2.0.0_schema");
  ASSERT_TRUE(id);
  EXPECT_EQ(id->slug, "2.0.0_schema");
  for (const char* bad : {"0001_.x.sql", "0001_x..sql", "0001_x..y.sql", "0001_a b.sql", "0001_a,b.sql",
                          "0001_caf\xC3\xA9.sql", "0001_.sql", "0001_a/b.sql"}) {
    EXPECT_FALSE(parse_file_name(bad)) << bad;
  }
  EXPECT_TRUE(parse_file_name("0001_Add-Users_v2.sql"));
}

TEST(Ids, NewKeepsDotsBetweenLettersOrDigits) {
  EXPECT_EQ(slugify("2.0.0 schema"), "2.0.0_schema");
  EXPECT_EQ(slugify("v1. final."), "v1_final");
  EXPECT_EQ(slugify("..a..b"), "a.b");
  EXPECT_TRUE(parse_file_name("0001_" + slugify("release 2.0.0!") + ".sql"));
}

}  // namespace
}  // namespace trellis
