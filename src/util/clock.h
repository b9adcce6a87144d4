// clock.h — wall-clock timestamps and the identity of whoever runs trellis.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "trellis/duration.h"

namespace trellis {

// Milliseconds since 1970-01-01 UTC as ISO-8601 UTC with milliseconds:
// "2026-11-20T22:10:54.123Z" (proleptic Gregorian; any sign).
std::string iso8601_from_unix_ms(std::int64_t ms);
// Now, in that form.
std::string now_iso8601();
// The inverse, for "YYYY-MM-DDTHH:MM:SS[.fff]Z" (also with a space for the T, and "+00"
// or "+00:00" for the Z): nullopt for any other text.
std::optional<std::int64_t> unix_ms_from_iso8601(std::string_view text);
// Milliseconds since 1970-01-01 UTC, now.
std::int64_t now_unix_ms();
// "user@host" of this process, for history rows.
std::string run_identity();

// The time the runner waits on: retry backoffs, a backfill's pause between batches and the
// durations it measures. Tests substitute one that records waits instead of sleeping.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::steady_clock::time_point now() { return std::chrono::steady_clock::now(); }
  virtual void sleep(Millis duration);
};
// The real one.
Clock& system_clock();

}  // namespace trellis
