// The version orders of the importer's tools (docs/import.md), and what a section's SQL
// needs of a transaction.
#include <gtest/gtest.h>

#include "import/source_files.h"

namespace trellis::imports {
namespace {

TEST(ImportVersions, IntegerOrderIgnoresWidth) {
  EXPECT_EQ(compare_integer_versions("007", "7"), 0);
  EXPECT_LT(compare_integer_versions("9", "10"), 0);
  EXPECT_GT(compare_integer_versions("00100", "99"), 0);
  EXPECT_EQ(compare_integer_versions("0", "000"), 0);
}

TEST(ImportVersions, FlywayComparesDottedPartsNumerically) {
  EXPECT_LT(compare_flyway_versions("1.1", "1.2"), 0);
  EXPECT_LT(compare_flyway_versions("1.2", "1.10"), 0);
  EXPECT_EQ(compare_flyway_versions("1", "1.0"), 0);
  EXPECT_EQ(compare_flyway_versions("1.01", "1_1"), 0);
  EXPECT_LT(compare_flyway_versions("1.9.9", "2"), 0);
  EXPECT_GT(compare_flyway_versions("2.0.1", "2"), 0);
  EXPECT_TRUE(flyway_version_valid("1_2.3"));
  EXPECT_FALSE(flyway_version_valid("1..2"));
  EXPECT_FALSE(flyway_version_valid("1.a"));
  EXPECT_FALSE(flyway_version_valid(""));
}

TEST(ImportSqlShape, FindsStatementsThatCannotRunInATransaction) {
  SqlShape index = sql_shape("CREATE INDEX CONCURRENTLY i ON t (x);");
  EXPECT_TRUE(index.parsed);
  EXPECT_EQ(index.statements, 1);
  EXPECT_TRUE(index.needs_outside);
  SqlShape two = sql_shape("CREATE TABLE t (x int); INSERT INTO t VALUES (1);");
  EXPECT_EQ(two.statements, 2);
  EXPECT_FALSE(two.needs_outside);
  EXPECT_FALSE(sql_shape("\\set x 1\nSELECT :x;").parsed);  // a psql meta-command
}

}  // namespace
}  // namespace trellis::imports
