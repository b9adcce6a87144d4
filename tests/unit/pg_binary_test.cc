// PostgreSQL binary timestamps (microseconds since 2000-01-01 UTC) as the ISO text that
// the state rows carry, as the server's to_char(... 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') gave.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "db/pg_binary.h"

namespace trellis::pg {
namespace {

constexpr std::int64_t kSecond = 1'000'000;
// 2026-11-20T22:10:54Z is 1795212654 s after 1970, and 2000 is 946684800 s after 1970.
constexpr std::int64_t kSample = (1795212654LL - 946684800LL) * kSecond;

TEST(PgBinary, TimestampsFormatAsUtcIsoWithMilliseconds) {
  EXPECT_EQ(format_pg_timestamp(0), "2000-01-01T00:00:00.000Z");
  EXPECT_EQ(format_pg_timestamp(kSample + 123456), "2026-11-20T22:10:54.123Z");
  EXPECT_EQ(format_pg_timestamp(kSample + 999999), "2026-11-20T22:10:54.999Z") << "truncated, as MS is";
  EXPECT_EQ(format_pg_timestamp(60 * 86400 * kSecond), "2000-03-01T00:00:00.000Z") << "2000 is a leap year";
}

TEST(PgBinary, TimestampsBefore2000CountDown) {
  EXPECT_EQ(format_pg_timestamp(-1), "1999-12-31T23:59:59.999Z");
  EXPECT_EQ(format_pg_timestamp(-kSecond), "1999-12-31T23:59:59.000Z");
  EXPECT_EQ(format_pg_timestamp(-1500), "1999-12-31T23:59:59.998Z");
}

// Expected texts from Python's datetime (proleptic Gregorian, UTC).
TEST(PgBinary, CenturiesAndLeapRulesMatchAReferenceCalendar) {
  EXPECT_EQ(format_pg_timestamp(-1549968479679177LL), "1950-11-19T13:12:00.320Z");
  EXPECT_EQ(format_pg_timestamp(-26520596953127856LL), "1159-08-06T15:30:46.872Z");
  EXPECT_EQ(format_pg_timestamp(29179049012637491LL), "2924-08-24T11:23:32.637Z");
  EXPECT_EQ(format_pg_timestamp(-23217213545869269LL), "1264-04-10T06:00:54.130Z");
  EXPECT_EQ(format_pg_timestamp(11994302005299704LL), "2380-01-31T22:33:25.299Z");
  EXPECT_EQ(format_pg_timestamp(-14529366706598155LL), "1539-08-02T00:48:13.401Z");
  EXPECT_EQ(format_pg_timestamp(3160857599999999LL), "2100-02-28T23:59:59.999Z");
  EXPECT_EQ(format_pg_timestamp(-3150576000001000LL), "1900-02-28T23:59:59.999Z");
}

TEST(PgBinary, Infinities) {
  EXPECT_EQ(format_pg_timestamp(std::numeric_limits<std::int64_t>::max()), "infinity");
  EXPECT_EQ(format_pg_timestamp(std::numeric_limits<std::int64_t>::min()), "-infinity");
}

}  // namespace
}  // namespace trellis::pg
