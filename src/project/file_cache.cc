#include "project/file_cache.h"

#include <time.h>

#include <algorithm>

#include "trellis/error.h"
#include "util/binary_codec.h"
#include "util/cache_file.h"
#include "util/sha256.h"

namespace trellis {
namespace {

constexpr std::string_view kMagic = "TRELLIS-FILES";
constexpr std::uint64_t kFormat = 3;  // 2: directory listings too; 3: with their digest
constexpr const char* kFileName = "files.bin";

void put(BinaryWriter& w, const FileStamp& s) {
  w.u(s.device);
  w.u(s.inode);
  w.i(s.size);
  w.i(s.mtime_ns);
  w.i(s.ctime_ns);
}

FileStamp get_stamp(BinaryReader& r) {
  FileStamp s;
  s.device = r.u();
  s.inode = r.u();
  s.size = r.i();
  s.mtime_ns = r.i();
  s.ctime_ns = r.i();
  return s;
}

template <typename T>
void sort_by_path(std::vector<T>& v, auto path_of) {
  auto by_path = [&](const T& a, const T& b) { return path_of(a) < path_of(b); };
  if (!std::is_sorted(v.begin(), v.end(), by_path)) std::sort(v.begin(), v.end(), by_path);
}

}  // namespace

FileCache::FileCache(std::string dir, std::int64_t now_ns) : dir_(std::move(dir)), now_ns_(now_ns) {}

std::int64_t FileCache::wall_clock_ns() {
  struct timespec t {};
  ::clock_gettime(CLOCK_REALTIME, &t);
  return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
}

void FileCache::load() {
  data_ = read_cache_file(dir_ + "/" + kFileName);
  BinaryReader r(data_);
  if (!r.header(kMagic, kFormat)) return;
  std::size_t from = r.position();
  std::size_t dirs = r.count();
  listings_.resize(dirs);
  for (std::size_t k = 0; k < dirs && r.ok(); ++k) {
    Listing& l = listings_[k];
    l.path = r.bytes();
    l.stamp = get_stamp(r);
    std::size_t n = r.count();
    l.entries.resize(r.ok() ? n : 0);
    for (auto& e : l.entries) {
      e.name = r.bytes();
      e.directory = r.b();
    }
  }
  std::string_view section = r.since(from);
  if (r.ok() && r.bytes() != sha256_hex(section)) listings_.clear();  // damaged: list again
  std::size_t total = r.count();
  entries_.reserve(r.ok() ? total : 0);
  for (std::size_t k = 0; k < total && r.ok(); ++k) {
    std::string_view path = r.bytes();
    Entry e;
    e.stamp = get_stamp(r);
    e.checksum = r.bytes();
    e.content = r.bytes();
    entries_.emplace_back(path, e);
  }
  if (!r.ok() || !r.at_end()) {  // a damaged cache is an empty cache
    entries_.clear();
    listings_.clear();
  }
  sort_by_path(entries_, [](const auto& e) { return e.first; });
  sort_by_path(listings_, [](const Listing& l) { return l.path; });
}

const FileCache::Entry* FileCache::find(std::string_view path, const FileStamp& stamp) const {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), path,
                             [](const auto& entry, std::string_view key) { return entry.first < key; });
  if (it == entries_.end() || it->first != path || !(it->second.stamp == stamp)) return nullptr;
  return &it->second;
}

const std::vector<Directory::EntryView>* FileCache::find_listing(std::string_view path,
                                                                 const FileStamp& stamp) const {
  auto it = std::lower_bound(listings_.begin(), listings_.end(), path,
                             [](const Listing& l, std::string_view key) { return l.path < key; });
  if (it == listings_.end() || it->path != path || !(it->stamp == stamp)) return nullptr;
  return &it->entries;
}

bool FileCache::settled(const FileStamp& stamp) const {
  return std::max(stamp.mtime_ns, stamp.ctime_ns) < now_ns_ - kSettle;
}

void FileCache::save(const std::vector<const Record*>& records, const std::vector<const Listing*>& listings) {
  std::size_t hits = 0, keep = 0, dir_hits = 0, dir_keep = 0;
  for (const Record* rec : records) {
    hits += rec->from_cache;
    keep += rec->from_cache || settled(rec->stamp);
  }
  for (const Listing* l : listings) {
    dir_hits += l->from_cache;
    dir_keep += l->from_cache || settled(l->stamp);
  }
  hits_ = hits;
  listing_hits_ = dir_hits;
  if (hits == keep && hits == entries_.size() && dir_hits == dir_keep && dir_hits == listings_.size()) {
    return;  // the cache holds exactly these
  }
  BinaryWriter w;
  std::size_t from = w.size();
  w.u(dir_keep);
  for (const Listing* l : listings) {
    if (!l->from_cache && !settled(l->stamp)) continue;
    w.bytes(l->path);
    put(w, l->stamp);
    w.u(l->entries.size());
    for (const auto& e : l->entries) {
      w.bytes(e.name);
      w.b(e.directory);
    }
  }
  w.bytes(sha256_hex(w.since(from)));
  w.u(keep);
  for (const Record* rec : records) {
    if (!rec->from_cache && !settled(rec->stamp)) continue;
    w.bytes(rec->path);
    put(w, rec->stamp);
    w.bytes(rec->checksum);
    w.bytes(rec->content);
  }
  try {
    write_cache_file(dir_, kFileName, w.finish(kMagic, kFormat));
  } catch (const Error&) {
    // Read-only checkout, full disk...: the next run reads the files again.
  }
}

}  // namespace trellis
