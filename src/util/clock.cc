#include "util/clock.h"

#include <pwd.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdint>
#include <thread>

namespace trellis {

namespace {

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

// Civil date of a count of days since 1970-01-01 (proleptic Gregorian), by whole 400-year
// eras; gmtime_r would do, but it takes glibc's time zone lock on every call (10,000 per
// state read of 5,000 PostgreSQL rows).
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

// Days since 1970-01-01 of a civil date (the inverse of civil_from_days).
std::int64_t days_from_civil(std::int64_t year, int month, int day) {
  year -= month <= 2 ? 1 : 0;
  std::int64_t era = floor_div(year, 400);
  std::int64_t yoe = year - era * 400;                                          // [0, 399]
  std::int64_t doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;  // [0, 365]
  std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;                      // [0, 146096]
  return era * 146097 + doe - 719468;
}

// Reads `width` digits at `at`; -1 if they are not all digits.
int digits(std::string_view s, std::size_t at, std::size_t width) {
  if (at + width > s.size()) return -1;
  int v = 0;
  for (std::size_t i = at; i < at + width; ++i) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

}  // namespace

std::optional<std::int64_t> unix_ms_from_iso8601(std::string_view s) {
  int year = digits(s, 0, 4), month = digits(s, 5, 2), day = digits(s, 8, 2);
  int hour = digits(s, 11, 2), minute = digits(s, 14, 2), second = digits(s, 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 ||
      minute > 59 || second < 0 || second > 60 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ') ||
      s[13] != ':' || s[16] != ':') {
    return std::nullopt;
  }
  std::size_t at = 19;
  int millis = 0;
  if (at < s.size() && s[at] == '.') {
    int scale = 100;
    for (++at; at < s.size() && s[at] >= '0' && s[at] <= '9'; ++at, scale /= 10) millis += (s[at] - '0') * scale;
  }
  std::string_view zone = s.substr(at);
  if (zone != "Z" && zone != "+00" && zone != "+00:00") return std::nullopt;
  std::int64_t days = days_from_civil(year, month, day);
  return ((days * 24 + hour) * 60 + minute) * 60'000 + second * 1000 + millis;
}

std::int64_t now_unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string iso8601_from_unix_ms(std::int64_t ms) {
  std::int64_t days = floor_div(ms, 86'400'000);
  auto in_day = static_cast<int>(ms - days * 86'400'000);  // [0, 86,399,999]
  int year = 0, month = 0, day = 0;
  civil_from_days(days, &year, &month, &day);
  int secs = in_day / 1000, millis = in_day % 1000;
  if (year < 0 || year > 9999) {  // never in trellis' own rows; printf copes with any width
    char wide[96];
    std::snprintf(wide, sizeof wide, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", year, month, day, secs / 3600,
                  secs / 60 % 60, secs % 60, millis);
    return wide;
  }
  // "YYYY-MM-DDTHH:MM:SS.mmmZ", digits written directly (snprintf showed in profiles).
  std::string out = "0000-00-00T00:00:00.000Z";
  auto put = [&out](std::size_t last, int value, int width) {
    for (int i = 0; i < width; ++i, value /= 10) out[last - static_cast<std::size_t>(i)] = static_cast<char>('0' + value % 10);
  };
  put(3, year, 4);
  put(6, month, 2);
  put(9, day, 2);
  put(12, secs / 3600, 2);
  put(15, secs / 60 % 60, 2);
  put(18, secs % 60, 2);
  put(22, millis, 3);
  return out;
}

std::string now_iso8601() {
  auto now = std::chrono::system_clock::now();
  return iso8601_from_unix_ms(std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count());
}

std::string run_identity() {
  std::string user = "unknown";
  if (const passwd* pw = ::getpwuid(::geteuid()); pw != nullptr && pw->pw_name) user = pw->pw_name;
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return host[0] ? user + "@" + host : user;
}

void Clock::sleep(Millis duration) { std::this_thread::sleep_for(duration); }

Clock& system_clock() {
  static Clock clock;
  return clock;
}

}  // namespace trellis
