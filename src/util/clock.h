// clock.h — wall-clock timestamps and the identity of whoever runs trellis.
#pragma once

#include <string>

namespace trellis {

// Now, as ISO-8601 UTC with milliseconds: "2026-11-20T22:10:54.123Z".
std::string now_iso8601();
// "user@host" of this process, for history rows.
std::string run_identity();

}  // namespace trellis
