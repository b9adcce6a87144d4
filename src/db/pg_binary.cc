#include "db/pg_binary.h"

#include <limits>

#include "db/libpq_api.h"
#include "trellis/error.h"
#include "util/clock.h"

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

std::string format_pg_timestamp(std::int64_t micros) {
  if (micros == std::numeric_limits<std::int64_t>::max()) return "infinity";
  if (micros == std::numeric_limits<std::int64_t>::min()) return "-infinity";
  constexpr std::int64_t kUnixMsAt2000 = 946'684'800'000;  // 2000-01-01 UTC, in ms since 1970
  std::int64_t millis = micros / 1000 - (micros % 1000 < 0 ? 1 : 0);  // rounded down, as to_char's MS
  return iso8601_from_unix_ms(millis + kUnixMsAt2000);
}

}  // namespace trellis::pg
