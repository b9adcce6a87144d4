#include "project/file_cache.h"

#include <time.h>

#include <algorithm>

#include "trellis/error.h"
#include "util/binary_codec.h"
#include "util/cache_file.h"

namespace trellis {
namespace {

constexpr std::string_view kMagic = "TRELLIS-FILES";
constexpr std::uint64_t kFormat = 1;
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
  std::size_t total = r.count();
  entries_.reserve(total);
  for (std::size_t k = 0; k < total && r.ok(); ++k) {
    std::string_view path = r.bytes();
    Entry e;
    e.stamp = get_stamp(r);
    e.checksum = r.bytes();
    e.content = r.bytes();
    entries_.emplace_back(path, e);
  }
  if (!r.ok() || !r.at_end()) entries_.clear();  // a damaged cache is an empty cache
  auto by_path = [](const auto& a, const auto& b) { return a.first < b.first; };
  if (!std::is_sorted(entries_.begin(), entries_.end(), by_path)) {
    std::sort(entries_.begin(), entries_.end(), by_path);
  }
}

const FileCache::Entry* FileCache::find(std::string_view path, const FileStamp& stamp) const {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), path,
                             [](const auto& entry, std::string_view key) { return entry.first < key; });
  if (it == entries_.end() || it->first != path || !(it->second.stamp == stamp)) return nullptr;
  return &it->second;
}

bool FileCache::settled(const FileStamp& stamp) const {
  return std::max(stamp.mtime_ns, stamp.ctime_ns) < now_ns_ - kSettle;
}

void FileCache::save(const std::vector<const Record*>& records) {
  std::size_t hits = 0, keep = 0;
  for (const Record* rec : records) {
    hits += rec->from_cache;
    keep += rec->from_cache || settled(rec->stamp);
  }
  hits_ = hits;
  if (hits == keep && hits == entries_.size()) return;  // the cache holds exactly these
  BinaryWriter w;
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
