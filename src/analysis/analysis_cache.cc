// analysis_cache.cc — analyses persisted by file checksum in <dir>/analysis-cache.bin.
//
// Format (all integers LEB128 varints, signed ones zigzag-encoded): the magic
// "TRELLIS-ANALYSIS" and a format number; a table of every distinct string; then the
// entries, each string written as its index in the table. Reading it back is a few
// memcpy's per field, so a warm run costs far less than parsing again. Anything that does
// not read back exactly (older format, truncated, damaged) is an empty cache.
#include <cstdint>
#include <deque>
#include <filesystem>
#include <map>
#include <string_view>
#include <unordered_map>

#include "trellis/analysis.h"
#include "trellis/error.h"
#include "util/binary_codec.h"
#include "util/cache_file.h"

namespace trellis {
namespace {

// Bump when the analysis or the format changes, so that old caches are ignored.
constexpr std::uint64_t kCacheFormat = 6;  // 6: backfill windows, held locks, advice by version
constexpr std::string_view kMagic = "TRELLIS-ANALYSIS";

std::string cache_path(const std::string& dir) {
  return (std::filesystem::path(dir) / "analysis-cache.bin").string();
}

using Writer = BinaryWriter;
using Reader = BinaryReader;

// ---- one function per type, writing and reading the same fields in the same order ----

void put(Writer& w, const ObjectUse& o) {
  w.u(static_cast<std::uint64_t>(o.kind));
  w.s(o.name);
  w.u(static_cast<std::uint64_t>(o.access));
  w.s(o.new_name);
  w.i(o.line);
  w.i(o.col);
  w.u(o.conditional ? 1 : 0);
}
void get(Reader& r, ObjectUse& o) {
  o.kind = r.e(ObjectKind::kOther);
  o.name = r.s();
  o.access = r.e(Access::kReference);
  o.new_name = r.s();
  o.line = r.n();
  o.col = r.n();
  o.conditional = r.u() != 0;
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
  for (const std::string* s : {&h.exempt_if_validated_check, &h.foreign_key, &h.primary_key, &h.column, &h.new_type}) w.s(*s);
  w.i(h.exempt_from_version);
  w.i(h.only_before_version);
  w.i(h.help_before_version);
  w.s(h.help_before);
}
void get(Reader& r, Hazard& h) {
  for (std::string* s : {&h.rule, &h.table, &h.message, &h.help}) *s = r.s();
  h.line = r.n();
  h.col = r.n();
  for (bool* f : {&h.only_existing_table, &h.only_in_transaction, &h.only_outside_contract, &h.only_without_transaction}) *f = r.b();
  for (std::string* s : {&h.exempt_if_validated_check, &h.foreign_key, &h.primary_key, &h.column, &h.new_type}) *s = r.s();
  h.exempt_from_version = r.n();
  h.only_before_version = r.n();
  h.help_before_version = r.n();
  h.help_before = r.s();
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

void put(Writer& w, const StatementInfo& s);
void get(Reader& r, StatementInfo& s);

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

}  // namespace

struct AnalysisCache::Impl {
  std::string dir;
  std::map<std::string, MigrationAnalysis> entries;  // checksum -> analysis
  std::map<std::string, bool> used;
  std::deque<MigrationAnalysis> uncached;  // migrations without a checksum
};

AnalysisCache::AnalysisCache(std::string dir) : impl_(std::make_unique<Impl>()) { impl_->dir = std::move(dir); }
AnalysisCache::~AnalysisCache() = default;

void AnalysisCache::load() {
  std::string data = read_cache_file(cache_path(impl_->dir));
  Reader r(data);
  if (!r.header(kMagic, kCacheFormat)) return;
  std::size_t total = r.count();
  for (std::size_t k = 0; k < total && r.ok(); ++k) {
    std::string checksum = r.s();
    MigrationAnalysis& a = impl_->entries[checksum];
    a.checksum = checksum;
    get_list(r, a.statements);
  }
  if (!r.ok() || !r.at_end()) impl_->entries.clear();  // a damaged cache is an empty cache
}

const MigrationAnalysis& AnalysisCache::get(const Migration& migration) {
  if (migration.checksum.empty()) {
    ++misses_;
    return impl_->uncached.emplace_back(analyse_migration(migration));
  }
  impl_->used[migration.checksum] = true;
  auto it = impl_->entries.find(migration.checksum);
  if (it != impl_->entries.end()) {
    ++hits_;
    // Same content under another path or id: keep the names of this one.
    it->second.id = migration.id;
    it->second.path = migration.path;
    return it->second;
  }
  ++misses_;
  return impl_->entries[migration.checksum] = analyse_migration(migration);
}

void AnalysisCache::save() const {
  Writer w;
  std::size_t total = 0;
  for (const auto& [checksum, analysis] : impl_->entries) total += impl_->used.count(checksum);
  w.u(total);
  for (const auto& [checksum, analysis] : impl_->entries) {
    if (!impl_->used.count(checksum)) continue;
    w.s(checksum);
    put_list(w, analysis.statements);
  }
  write_cache_file(impl_->dir, "analysis-cache.bin", w.finish(kMagic, kCacheFormat));
}

}  // namespace trellis
