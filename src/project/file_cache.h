// file_cache.h — the migration files as the last run read them, kept in
// `.trellis/files.bin`, so that a run where nothing changed costs one stat per file
// instead of an open, a read and a close.
//
// An entry is used only when the file's stamp (device, inode, size, mtime, ctime) is
// exactly the one recorded with its content. Any write to a file moves its ctime to the
// present, and ctime cannot be set back, so an edit is always seen, with one exception
// that git also guards against ("racy" entries): an edit in the same clock tick as the
// read that was cached. So a file is cached only once its ctime and mtime are
// `kSettle` in the past; younger files are read every time.
//
// The checksum recorded with each entry is checked against the cached bytes as they are
// parsed (the loader hashes them anyway), so a damaged cache is noticed and the file read.
// `trellis check` and TRELLIS_NO_CACHE=1 bypass the cache altogether.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/directory.h"

namespace trellis {

class FileCache {
 public:
  static constexpr std::int64_t kSettle = 2'000'000'000;  // ns

  // What one run read of one file. `content` points into `owned` or into the cache;
  // `path` (relative to the project root) and `checksum` into the parsed migration.
  struct Record {
    std::string_view path;
    FileStamp stamp;
    std::string owned;
    std::string_view content;
    std::string_view checksum;
    bool from_cache = false;
  };

  struct Entry {
    FileStamp stamp;
    std::string_view content;
    std::string_view checksum;
  };

  // `dir` is the project's `.trellis`; `now_ns` the wall clock when loading starts.
  FileCache(std::string dir, std::int64_t now_ns);
  static std::int64_t wall_clock_ns();

  // Reads the cache file; missing or damaged is an empty cache.
  void load();
  // The cached content of `path` when its stamp is exactly `stamp`. Safe to call from
  // several threads once load() has returned.
  const Entry* find(std::string_view path, const FileStamp& stamp) const;
  // True when content read with this stamp may be cached (see kSettle).
  bool settled(const FileStamp& stamp) const;
  // Rewrites the cache with what this run read, when that differs from what it holds.
  // Best effort: a cache that cannot be written is skipped silently.
  void save(const std::vector<const Record*>& records);

  std::size_t size() const { return entries_.size(); }
  // How many of the files given to save() came from the cache.
  std::size_t hits() const { return hits_; }

 private:
  std::string dir_;
  std::int64_t now_ns_;
  std::string data_;
  // By path, for binary search: the loader writes them in the order it reads the
  // directories, which is path order, so loading needs one allocation, not one per entry.
  std::vector<std::pair<std::string_view, Entry>> entries_;
  std::size_t hits_ = 0;
};

}  // namespace trellis
