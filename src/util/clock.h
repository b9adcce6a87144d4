// clock.h — wall-clock timestamps and the identity of whoever runs trellis.
#pragma once

#include <cstdint>
#include <string>

namespace trellis {

// Milliseconds since 1970-01-01 UTC as ISO-8601 UTC with milliseconds:
// "2026-11-20T22:10:54.123Z" (proleptic Gregorian; any sign).
std::string iso8601_from_unix_ms(std::int64_t ms);
// Now, in that form.
std::string now_iso8601();
// "user@host" of this process, for history rows.
std::string run_identity();

}  // namespace trellis
