#include "db/pg_binary.h"

#include <cstdio>
#include <limits>

#include "db/libpq_api.h"
#include "trellis/error.h"

namespace trellis::pg {
namespace {

// The bytes of a non-NULL value, checked to be `width` long (0: any length).
const char* value_of(const Result& result, int row, int column, int width, int* length) {
  const auto& pq = libpq();
  if (pq.PQgetisnull(result.get(), row, column)) return nullptr;
  *length = pq.PQgetlength(result.get(), row, column);
  if (width != 0 && *length != width) {
    throw Error(ErrorKind::kState, std::string("unexpected value in state column ") +
                                      pq.PQfname(result.get(), column) + ": " + std::to_string(*length) +
                                      " bytes where " + std::to_string(width) + " were expected",
                "the state table's columns were changed by hand; restore their types");
  }
  return pq.PQgetvalue(result.get(), row, column);
}

std::uint64_t big_endian(const char* bytes, int length) {
  std::uint64_t v = 0;
  for (int i = 0; i < length; ++i) v = (v << 8) | static_cast<unsigned char>(bytes[i]);
  return v;
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

}  // namespace

std::string binary_text(const Result& result, int row, int column) {
  int length = 0;
  const char* v = value_of(result, row, column, 0, &length);
  return v == nullptr ? std::string() : std::string(v, static_cast<std::size_t>(length));
}

std::int64_t binary_integer(const Result& result, int row, int column) {
  const auto& pq = libpq();
  if (pq.PQgetisnull(result.get(), row, column)) return 0;
  int length = pq.PQgetlength(result.get(), row, column);
  int width = length == 2 || length == 4 ? length : 8;
  const char* v = value_of(result, row, column, width, &length);
  std::uint64_t raw = big_endian(v, length);
  switch (length) {
    case 2: return static_cast<std::int16_t>(raw);
    case 4: return static_cast<std::int32_t>(raw);
    default: return static_cast<std::int64_t>(raw);
  }
}

std::string binary_timestamp(const Result& result, int row, int column) {
  int length = 0;
  const char* v = value_of(result, row, column, 8, &length);
  return v == nullptr ? std::string() : format_pg_timestamp(static_cast<std::int64_t>(big_endian(v, 8)));
}

// Civil date of a count of days since 1970-01-01 (proleptic Gregorian), by whole 400-year
// eras; gmtime_r would do, but it takes glibc's time zone lock for each of 10,000 values.
void civil_from_days(std::int64_t days, int* year, int* month, int* day) {
  days += 719468;  // days from 0000-03-01 to 1970-01-01
  std::int64_t era = floor_div(days, 146097);
  std::int64_t doe = days - era * 146097;                                   // [0, 146096]
  std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                // [0, 365]
  std::int64_t mp = (5 * doy + 2) / 153;                                     // [0, 11], from March
  *day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *year = static_cast<int>(yoe + era * 400 + (*month <= 2 ? 1 : 0));
}

std::string format_pg_timestamp(std::int64_t micros) {
  if (micros == std::numeric_limits<std::int64_t>::max()) return "infinity";
  if (micros == std::numeric_limits<std::int64_t>::min()) return "-infinity";
  constexpr std::int64_t kUnixAt2000 = 946'684'800;  // seconds from 1970 to 2000, UTC
  std::int64_t seconds = floor_div(micros, 1'000'000);
  auto millis = static_cast<int>((micros - seconds * 1'000'000) / 1000);
  seconds += kUnixAt2000;
  std::int64_t days = floor_div(seconds, 86400);
  auto in_day = static_cast<int>(seconds - days * 86400);
  int year = 0, month = 0, day = 0;
  civil_from_days(days, &year, &month, &day);
  // "YYYY-MM-DDTHH:MM:SS.mmmZ", digits written directly (snprintf showed in profiles).
  std::string out = "0000-00-00T00:00:00.000Z";
  auto put = [&out](std::size_t end, int value, int width) {
    for (int i = 0; i < width; ++i, value /= 10) out[end - static_cast<std::size_t>(i)] = static_cast<char>('0' + value % 10);
  };
  if (year < 0 || year > 9999) {  // never in trellis' own rows; printf copes with any width
    char wide[96];
    std::snprintf(wide, sizeof wide, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", year, month, day, in_day / 3600,
                  in_day / 60 % 60, in_day % 60, millis);
    return wide;
  }
  put(3, year, 4);
  put(6, month, 2);
  put(9, day, 2);
  put(12, in_day / 3600, 2);
  put(15, in_day / 60 % 60, 2);
  put(18, in_day % 60, 2);
  put(22, millis, 3);
  return out;
}

}  // namespace trellis::pg
