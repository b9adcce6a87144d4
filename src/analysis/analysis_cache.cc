// analysis_cache.cc — analyses persisted by file checksum in <dir>/analysis-cache.bin.
//
// Format (all integers LEB128 varints, signed ones zigzag-encoded): the magic
// "TRELLIS-ANALYSIS" and a format number; a table of every distinct string; then the
// entries, each string written as its index in the table. Reading it back is a few
// memcpy's per field, so a warm run costs far less than parsing again. Anything that does
// not read back exactly (older format, truncated, damaged) is an empty cache.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>
#include <unordered_map>

#include "trellis/analysis.h"
#include "trellis/error.h"

namespace trellis {
namespace {

// Bump when the analysis or the format changes, so that old caches are ignored.
constexpr std::uint64_t kCacheFormat = 3;  // 3: backfill bodies analysed with :lo/:hi/:size masked
constexpr std::string_view kMagic = "TRELLIS-ANALYSIS";

std::string cache_path(const std::string& dir) {
  return (std::filesystem::path(dir) / "analysis-cache.bin").string();
}

class Writer {
 public:
  void u(std::uint64_t v) {
    while (v >= 0x80) {
      body_ += static_cast<char>((v & 0x7F) | 0x80);
      v >>= 7;
    }
    body_ += static_cast<char>(v);
  }
  void i(std::int64_t v) { u((static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63)); }
  void b(bool v) { u(v ? 1 : 0); }
  void s(const std::string& v) {
    auto [it, added] = index_.try_emplace(v, static_cast<std::uint64_t>(strings_.size()));
    if (added) strings_.push_back(&it->first);
    u(it->second);
  }

  // The whole file: magic, format, string table, body.
  std::string finish() {
    std::string body = std::move(body_);
    body_.clear();
    body_.append(kMagic);
    u(kCacheFormat);
    u(strings_.size());
    for (const std::string* str : strings_) {
      u(str->size());
      body_.append(*str);
    }
    body_.append(body);
    return std::move(body_);
  }

 private:
  std::string body_;
  std::unordered_map<std::string, std::uint64_t> index_;
  std::vector<const std::string*> strings_;
};

class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}
  bool ok() const { return ok_; }

  std::uint64_t u() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= data_.size()) return fail();
      auto byte = static_cast<unsigned char>(data_[pos_++]);
      v |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
      if (!(byte & 0x80)) return v;
    }
    return fail();
  }
  std::int64_t i() {
    std::uint64_t v = u();
    return static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1);
  }
  int n() { return static_cast<int>(i()); }
  bool b() { return u() != 0; }
  const std::string& s() {
    std::uint64_t index = u();
    if (index >= strings_.size()) {
      fail();
      return empty_;
    }
    return strings_[index];
  }
  template <typename E>
  E e(E last) {
    std::uint64_t v = u();
    if (v > static_cast<std::uint64_t>(last)) fail();
    return static_cast<E>(ok_ ? v : 0);
  }
  // Elements count of a list, bounded by the bytes left (each element takes >= 1 byte).
  std::size_t count() {
    std::uint64_t c = u();
    if (c > data_.size() - pos_) return fail();
    return static_cast<std::size_t>(c);
  }

  bool header() {
    if (data_.substr(0, kMagic.size()) != kMagic) return false;
    pos_ = kMagic.size();
    if (u() != kCacheFormat) return false;
    std::size_t total = count();
    strings_.reserve(total);
    for (std::size_t k = 0; k < total && ok_; ++k) {
      std::size_t len = count();
      if (!ok_) break;
      strings_.emplace_back(data_.substr(pos_, len));
      pos_ += len;
    }
    return ok_;
  }
  bool at_end() const { return pos_ == data_.size(); }

 private:
  std::uint64_t fail() {
    ok_ = false;
    pos_ = data_.size();
    return 0;
  }
  std::string_view data_;
  std::size_t pos_ = 0;
  bool ok_ = true;
  std::vector<std::string> strings_;
  const std::string empty_;
};

// ---- one function per type, writing and reading the same fields in the same order ----

void put(Writer& w, const ObjectUse& o) {
  w.u(static_cast<std::uint64_t>(o.kind));
  w.s(o.name);
  w.u(static_cast<std::uint64_t>(o.access));
  w.s(o.new_name);
  w.i(o.line);
  w.i(o.col);
}
void get(Reader& r, ObjectUse& o) {
  o.kind = r.e(ObjectKind::kOther);
  o.name = r.s();
  o.access = r.e(Access::kReference);
  o.new_name = r.s();
  o.line = r.n();
  o.col = r.n();
}

void put(Writer& w, const TableLock& l) {
  w.s(l.table);
  w.u(static_cast<std::uint64_t>(l.level));
}
void get(Reader& r, TableLock& l) {
  l.table = r.s();
  l.level = r.e(LockLevel::kAccessExclusive);
}

void put(Writer& w, const Hazard& h) {
  for (const std::string* s : {&h.rule, &h.table, &h.message, &h.help}) w.s(*s);
  w.i(h.line);
  w.i(h.col);
  for (bool f : {h.only_existing_table, h.only_in_transaction, h.only_outside_contract, h.only_without_transaction}) w.b(f);
  for (const std::string* s : {&h.exempt_if_validated_check, &h.foreign_key, &h.column, &h.new_type}) w.s(*s);
}
void get(Reader& r, Hazard& h) {
  for (std::string* s : {&h.rule, &h.table, &h.message, &h.help}) *s = r.s();
  h.line = r.n();
  h.col = r.n();
  for (bool* f : {&h.only_existing_table, &h.only_in_transaction, &h.only_outside_contract, &h.only_without_transaction}) *f = r.b();
  for (std::string* s : {&h.exempt_if_validated_check, &h.foreign_key, &h.column, &h.new_type}) *s = r.s();
}

void put(Writer& w, const ConstraintFact& c) {
  for (const std::string* s : {&c.table, &c.name, &c.kind, &c.not_null_column, &c.references}) w.s(*s);
  w.b(c.validated);
}
void get(Reader& r, ConstraintFact& c) {
  for (std::string* s : {&c.table, &c.name, &c.kind, &c.not_null_column, &c.references}) *s = r.s();
  c.validated = r.b();
}

void put(Writer& w, const std::pair<std::string, std::string>& p) {
  w.s(p.first);
  w.s(p.second);
}
void get(Reader& r, std::pair<std::string, std::string>& p) {
  p.first = r.s();
  p.second = r.s();
}

template <typename T>
void put_list(Writer& w, const std::vector<T>& items) {
  w.u(items.size());
  for (const auto& item : items) put(w, item);
}
template <typename T>
void get_list(Reader& r, std::vector<T>& items) {
  items.resize(r.count());
  for (auto& item : items) get(r, item);
}

void put(Writer& w, const StatementInfo& s) {
  w.s(s.kind);
  w.i(s.line);
  w.i(s.col);
  w.b(s.parsed);
  w.s(s.parse_error);
  w.s(s.text);
  put_list(w, s.objects);
  put_list(w, s.locks);
  for (bool f : {s.rewrites_table, s.scans_table, s.concurrently}) w.b(f);
  put_list(w, s.hazards);
  put_list(w, s.constraints);
  put_list(w, s.column_types);
}
void get(Reader& r, StatementInfo& s) {
  s.kind = r.s();
  s.line = r.n();
  s.col = r.n();
  s.parsed = r.b();
  s.parse_error = r.s();
  s.text = r.s();
  get_list(r, s.objects);
  get_list(r, s.locks);
  for (bool* f : {&s.rewrites_table, &s.scans_table, &s.concurrently}) *f = r.b();
  get_list(r, s.hazards);
  get_list(r, s.constraints);
  get_list(r, s.column_types);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return std::move(buffer).str();
}

}  // namespace

AnalysisCache::AnalysisCache(std::string dir) : dir_(std::move(dir)) {}
AnalysisCache::~AnalysisCache() = default;

void AnalysisCache::load() {
  std::string data = read_file(cache_path(dir_));
  Reader r(data);
  if (!r.header()) return;
  std::size_t total = r.count();
  for (std::size_t k = 0; k < total && r.ok(); ++k) {
    std::string checksum = r.s();
    MigrationAnalysis& a = entries_[checksum];
    a.checksum = checksum;
    get_list(r, a.statements);
  }
  if (!r.ok() || !r.at_end()) entries_.clear();  // a damaged cache is an empty cache
}

const MigrationAnalysis& AnalysisCache::get(const Migration& migration) {
  if (migration.checksum.empty()) {
    ++misses_;
    return uncached_.emplace_back(analyse_migration(migration));
  }
  used_[migration.checksum] = true;
  auto it = entries_.find(migration.checksum);
  if (it != entries_.end()) {
    ++hits_;
    // Same content under another path or id: keep the names of this one.
    it->second.id = migration.id;
    it->second.path = migration.path;
    return it->second;
  }
  ++misses_;
  return entries_[migration.checksum] = analyse_migration(migration);
}

void AnalysisCache::save() const {
  Writer w;
  std::size_t total = 0;
  for (const auto& [checksum, analysis] : entries_) total += used_.count(checksum);
  w.u(total);
  for (const auto& [checksum, analysis] : entries_) {
    if (!used_.count(checksum)) continue;
    w.s(checksum);
    put_list(w, analysis.statements);
  }
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  std::string path = cache_path(dir_);
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << w.finish();
    if (!out) throw Error(ErrorKind::kIo, "cannot write " + tmp, "check that " + dir_ + " is writable");
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) throw Error(ErrorKind::kIo, "cannot replace " + path + ": " + ec.message());
}

}  // namespace trellis
