// sha256.h — SHA-256 (FIPS 180-4), for migration file checksums.
#pragma once

#include <string>
#include <string_view>

namespace trellis {

// Lower-case hex digest of `data`.
std::string sha256_hex(std::string_view data);

}  // namespace trellis
