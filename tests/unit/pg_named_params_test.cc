#include "sql/pg_named_params.h"

#include <gtest/gtest.h>
#include <pg_query.h>

namespace trellis::pg {
namespace {

TEST(PgNamedParams, FindsParametersButNotStringsCommentsCastsOrDollarQuotes) {
  std::string sql =
      "UPDATE t SET n = n + 1, s = ':lo', x = y::text -- :hi\n"
      " WHERE id > :lo AND id <= :hi AND f($$ :size $$) /* :size */ LIMIT :size";
  auto found = find_named_params(sql);
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(found[0].name, "lo");
  EXPECT_EQ(sql.substr(found[0].offset, found[0].length), ":lo");
  EXPECT_EQ(found[1].name, "hi");
  EXPECT_EQ(found[2].name, "size");
}

TEST(PgNamedParams, MaskKeepsOffsetsAndParses) {
  std::string sql = "UPDATE t SET n = 1 WHERE id > :lo AND id <= :hi AND k IN (SELECT k FROM t LIMIT :size)";
  std::string masked = mask_named_params(sql);
  EXPECT_EQ(masked.size(), sql.size());
  EXPECT_EQ(masked, "UPDATE t SET n = 1 WHERE id > $1  AND id <= $1  AND k IN (SELECT k FROM t LIMIT $1   )");
  PgQueryParseResult r = pg_query_parse(masked.c_str());
  EXPECT_EQ(r.error, nullptr);
  pg_query_free_parse_result(r);
}

TEST(PgNamedParams, PositionalNumbersEachNameOnce) {
  auto p = to_positional("SELECT :hi, :lo, :hi, 'x:lo'");
  EXPECT_EQ(p.sql, "SELECT $1, $2, $1, 'x:lo'");
  EXPECT_EQ(p.names, (std::vector<std::string>{"hi", "lo"}));
}

}  // namespace
}  // namespace trellis::pg
