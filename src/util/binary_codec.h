// binary_codec.h — the compact format of Trellis' cache files under `.trellis/`.
//
// A file is: a magic string, a format number, a table of every distinct string written
// with s(), then the body. Integers are LEB128 varints (signed ones zigzag-encoded);
// bytes() writes a length and the bytes in place. Reading is bounds-checked throughout:
// anything that does not read back exactly (another magic or format, truncated, damaged)
// turns the reader !ok(), and the caller treats the cache as empty.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace trellis {

class BinaryWriter {
 public:
  void u(std::uint64_t v);
  void i(std::int64_t v);
  void b(bool v) { u(v ? 1 : 0); }
  // A string through the table: repeated strings cost one small index each.
  void s(const std::string& v);
  // Bytes written in place (for long, unique strings such as file contents).
  void bytes(std::string_view v);

  // Bytes written to the body so far, and the body from `from` on (for a digest of a
  // section, which reads back as the same bytes).
  std::size_t size() const { return body_.size(); }
  std::string_view since(std::size_t from) const { return std::string_view(body_).substr(from); }

  // The whole file: magic, format, string table, body.
  std::string finish(std::string_view magic, std::uint64_t format);

 private:
  std::string body_;
  std::unordered_map<std::string, std::uint64_t> index_;
  std::vector<const std::string*> strings_;
};

class BinaryReader {
 public:
  explicit BinaryReader(std::string_view data) : data_(data) {}
  bool ok() const { return ok_; }
  bool at_end() const { return pos_ == data_.size(); }
  // The data read since position `from` (see BinaryWriter::since).
  std::size_t position() const { return pos_; }
  std::string_view since(std::size_t from) const { return data_.substr(from, pos_ - from); }

  // Checks magic and format and reads the string table. False: not this cache's format.
  bool header(std::string_view magic, std::uint64_t format);

  std::uint64_t u();
  std::int64_t i();
  int n() { return static_cast<int>(i()); }
  bool b();  // 0 or 1; anything else is damage
  const std::string& s();
  // A view into the data given to the constructor.
  std::string_view bytes();
  template <typename E>
  E e(E last) {
    std::uint64_t v = u();
    if (v > static_cast<std::uint64_t>(last)) fail();
    return static_cast<E>(ok_ ? v : 0);
  }
  // Elements count of a list, bounded by the bytes left (each element takes >= 1 byte).
  std::size_t count();

 private:
  std::uint64_t fail();
  std::string_view data_;
  std::size_t pos_ = 0;
  bool ok_ = true;
  std::vector<std::string> strings_;
  const std::string empty_;
};

}  // namespace trellis
