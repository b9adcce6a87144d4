// sha256.h — SHA-256 (FIPS 180-4), for migration file checksums.
#pragma once

#include <string>
#include <string_view>

namespace trellis {

enum class Sha256Impl { kAuto, kPortable };

// Lower-case hex digest of `data`. kAuto uses the CPU's SHA extensions when it has them;
// kPortable forces the plain C++ rounds (so tests cover both).
std::string sha256_hex(std::string_view data, Sha256Impl impl = Sha256Impl::kAuto);

}  // namespace trellis
