#include "util/binary_codec.h"

namespace trellis {

void BinaryWriter::u(std::uint64_t v) {
  while (v >= 0x80) {
    body_ += static_cast<char>((v & 0x7F) | 0x80);
    v >>= 7;
  }
  body_ += static_cast<char>(v);
}

void BinaryWriter::i(std::int64_t v) {
  u((static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63));
}

void BinaryWriter::s(const std::string& v) {
  auto [it, added] = index_.try_emplace(v, static_cast<std::uint64_t>(strings_.size()));
  if (added) strings_.push_back(&it->first);
  u(it->second);
}

void BinaryWriter::bytes(std::string_view v) {
  u(v.size());
  body_.append(v);
}

std::string BinaryWriter::finish(std::string_view magic, std::uint64_t format) {
  std::string body = std::move(body_);
  body_.clear();
  body_.append(magic);
  u(format);
  u(strings_.size());
  for (const std::string* str : strings_) bytes(*str);
  body_.append(body);
  return std::move(body_);
}

std::uint64_t BinaryReader::fail() {
  ok_ = false;
  pos_ = data_.size();
  return 0;
}

std::uint64_t BinaryReader::u() {
  std::uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (pos_ >= data_.size()) return fail();
    auto byte = static_cast<unsigned char>(data_[pos_++]);
    v |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
    if (!(byte & 0x80)) return v;
  }
  return fail();
}

std::int64_t BinaryReader::i() {
  std::uint64_t v = u();
  return static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1);
}

const std::string& BinaryReader::s() {
  std::uint64_t index = u();
  if (index >= strings_.size()) {
    fail();
    return empty_;
  }
  return strings_[index];
}

std::string_view BinaryReader::bytes() {
  std::size_t len = count();
  if (!ok_) return {};
  std::string_view out = data_.substr(pos_, len);
  pos_ += len;
  return out;
}

bool BinaryReader::b() {
  std::uint64_t v = u();
  if (v > 1) fail();
  return v == 1;
}

std::size_t BinaryReader::count() {
  std::uint64_t c = u();
  if (c > data_.size() - pos_) return fail();
  return static_cast<std::size_t>(c);
}

bool BinaryReader::header(std::string_view magic, std::uint64_t format) {
  if (data_.substr(0, magic.size()) != magic) return false;
  pos_ = magic.size();
  if (u() != format) return false;
  std::size_t total = count();
  strings_.reserve(total);
  for (std::size_t k = 0; k < total && ok_; ++k) strings_.emplace_back(bytes());
  return ok_;
}

}  // namespace trellis
