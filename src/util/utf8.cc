#include "util/utf8.h"

#include <cstdint>
#include <cstring>

namespace trellis {
namespace {

bool continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// Length of the well-formed sequence starting at `p` (lead byte >= 0x80), or 0.
std::size_t sequence_length(const unsigned char* p, std::size_t left) {
  unsigned char c = p[0];
  std::size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) n = 2;
  else if (c >= 0xE0 && c <= 0xEF) n = 3, lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
  else if (c >= 0xF0 && c <= 0xF4) n = 4, lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
  else return 0;
  if (left < n || p[1] < lo || p[1] > hi) return 0;
  for (std::size_t k = 2; k < n; ++k) {
    if (!continuation(p[k])) return 0;
  }
  return n;
}

// Whether the 8 bytes at `p` are all ASCII and none is NUL.
bool plain_ascii_word(const unsigned char* p) {
  std::uint64_t v;
  std::memcpy(&v, p, sizeof v);
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL, kHighs = 0x8080808080808080ULL;
  bool has_high = (v & kHighs) != 0;
  bool has_zero = ((v - kOnes) & ~v & kHighs) != 0;
  return !has_high && !has_zero;
}

}  // namespace

std::size_t first_bad_utf8(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  std::size_t n = text.size(), i = 0;
  while (i < n) {
    if (i + 8 <= n && plain_ascii_word(p + i)) {
      i += 8;
      continue;
    }
    unsigned char c = p[i];
    if (c == 0) return i;
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = sequence_length(p + i, n - i);
    if (len == 0) return i;
    i += len;
  }
  return std::string_view::npos;
}

}  // namespace trellis
