#include "sql/pg_named_params.h"

#include <pg_query.h>

#include <algorithm>
#include <cctype>
#include <cstdint>

namespace trellis::pg {
namespace {

// pg_query_scan() answers a protobuf ScanResult (pg_query.proto): field 2 repeats
// ScanToken {1: start, 2: end, 4: token}. The protobuf-c headers are not installed, so the
// few varint fields needed are read here.
struct Token {
  std::int64_t start = 0, end = 0, kind = 0;
};
constexpr std::int64_t kColon = 58;  // Token ASCII_58
constexpr std::int64_t kIdent = 258;  // Token IDENT: a plain or double-quoted identifier

class Wire {
 public:
  Wire(const char* data, std::size_t len) : p_(reinterpret_cast<const std::uint8_t*>(data)), end_(p_ + len) {}
  bool done() const { return p_ >= end_; }
  std::uint64_t varint() {
    std::uint64_t v = 0;
    for (int shift = 0; p_ < end_ && shift < 64; shift += 7) {
      std::uint8_t b = *p_++;
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) break;
    }
    return v;
  }
  // Skips a field of `wire_type`; returns the bytes of a length-delimited one.
  Wire field(std::uint64_t wire_type) {
    if (wire_type == 0) varint();
    else if (wire_type == 1) p_ += 8;
    else if (wire_type == 5) p_ += 4;
    else if (wire_type == 2) {
      auto n = static_cast<std::size_t>(varint());
      n = std::min<std::size_t>(n, static_cast<std::size_t>(end_ - p_));
      Wire sub(reinterpret_cast<const char*>(p_), n);
      p_ += n;
      return sub;
    } else {
      p_ = end_;  // groups are not used by pg_query.proto
    }
    return Wire(nullptr, 0);
  }

 private:
  const std::uint8_t* p_;
  const std::uint8_t* end_;
};

Token read_token(Wire w) {
  Token t;
  while (!w.done()) {
    std::uint64_t key = w.varint();
    if ((key & 7) != 0) {
      w.field(key & 7);
      continue;
    }
    auto v = static_cast<std::int64_t>(w.varint());
    if ((key >> 3) == 1) t.start = v;
    else if ((key >> 3) == 2) t.end = v;
    else if ((key >> 3) == 4) t.kind = v;
  }
  return t;
}

std::vector<Token> scan_tokens(const std::string& input) {
  std::vector<Token> tokens;
  PgQueryScanResult raw = pg_query_scan(input.c_str());
  if (raw.error == nullptr) {
    Wire w(raw.pbuf.data, raw.pbuf.len);
    while (!w.done()) {
      std::uint64_t key = w.varint();
      Wire sub = w.field(key & 7);
      if ((key >> 3) == 2 && (key & 7) == 2) tokens.push_back(read_token(sub));
    }
  }
  pg_query_free_scan_result(raw);
  return tokens;
}

bool is_word(std::string_view s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s.front()))) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

}  // namespace

std::vector<NamedParam> find_named_params(std::string_view sql) {
  auto tokens = scan_tokens(std::string(sql));
  std::vector<NamedParam> out;
  for (std::size_t i = 0; i + 1 < tokens.size(); ++i) {
    const Token& colon = tokens[i];
    const Token& word = tokens[i + 1];
    if (colon.kind != kColon || word.start != colon.end) continue;
    auto start = static_cast<std::size_t>(word.start), end = static_cast<std::size_t>(word.end);
    if (end > sql.size() || start >= end) continue;
    std::string_view name = sql.substr(start, end - start);
    if (!is_word(name)) continue;
    out.push_back({static_cast<std::size_t>(colon.start), end - static_cast<std::size_t>(colon.start),
                   std::string(name)});
  }
  return out;
}

std::string mask_named_params(std::string_view sql) {
  std::string out(sql);
  for (const auto& p : find_named_params(sql)) {
    out.replace(p.offset, p.length, "$1" + std::string(p.length - 2, ' '));
  }
  return out;
}

PositionalSql to_positional(std::string_view sql) {
  PositionalSql out;
  std::size_t copied = 0;
  for (const auto& p : find_named_params(sql)) {
    auto it = std::find(out.names.begin(), out.names.end(), p.name);
    std::size_t number = static_cast<std::size_t>(it - out.names.begin()) + 1;
    if (it == out.names.end()) out.names.push_back(p.name);
    out.sql.append(sql.substr(copied, p.offset - copied));
    out.sql += "$" + std::to_string(number);
    copied = p.offset + p.length;
  }
  out.sql.append(sql.substr(copied));
  return out;
}

std::vector<LongIdentifier> find_long_identifiers(std::string_view sql, std::size_t max_bytes) {
  std::vector<LongIdentifier> out;
  for (const Token& t : scan_tokens(std::string(sql))) {
    auto start = static_cast<std::size_t>(t.start), end = static_cast<std::size_t>(t.end);
    if (t.kind != kIdent || end > sql.size() || start >= end || end - start <= max_bytes) continue;
    std::string_view text = sql.substr(start, end - start);
    std::string name;
    if (text.size() >= 2 && text.front() == '"' && text.back() == '"') {
      for (std::size_t i = 1; i + 1 < text.size(); ++i) {
        name += text[i];
        if (text[i] == '"') ++i;  // "" stands for one "
      }
    } else {
      name = std::string(text);
    }
    if (name.size() > max_bytes) out.push_back({start, std::move(name)});
  }
  return out;
}

}  // namespace trellis::pg
