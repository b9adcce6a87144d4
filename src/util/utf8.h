// utf8.h — checking that bytes are UTF-8 text.
#pragma once

#include <cstddef>
#include <string_view>

namespace trellis {

// The offset of the first byte of `text` that is a NUL or not part of a well-formed UTF-8
// sequence (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF), or npos.
std::size_t first_bad_utf8(std::string_view text);

// "\xEF\xBB\xBF", the byte order mark some editors write at the start of UTF-8 files.
inline constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

}  // namespace trellis
