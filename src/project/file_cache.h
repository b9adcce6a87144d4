// file_cache.h — the migration files and directories as the last run read them, kept in
// `.trellis/files.bin`, so that a run where nothing changed costs one stat per file
// instead of an open, a read and a close, and one fstat per directory instead of
// listing it.
//
// An entry is used only when the file's stamp (device, inode, size, mtime, ctime) is
// exactly the one recorded with its content. Any write to a file moves its ctime to the
// present, and ctime cannot be set back, so an edit is always seen, with one exception
// that git also guards against ("racy" entries): an edit in the same clock tick as the
// read that was cached. So a file is cached only once its ctime and mtime are
// `kSettle` in the past; younger files are read every time.
//
// Directories work the same way: adding, removing or renaming an entry moves the
// directory's mtime and ctime, so a directory whose stamp is the recorded one still has
// the recorded entries (git's untracked cache relies on the same). Editing a file does not
// move its directory's stamp, which is why every file is still stamped.
//
// The checksum recorded with each entry is checked against the cached bytes as they are
// parsed (the loader hashes them anyway), so a damaged cache is noticed and the file read.
// The listings carry one SHA-256 of their part of the file: damaged, they are all
// dropped (and the directories listed).
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

  // What one run listed of one directory. `path` is relative to the project root; the
  // entries' names point into the directory's listing or into the cache.
  struct Listing {
    std::string_view path;
    FileStamp stamp;  // taken before listing
    std::vector<Directory::EntryView> entries;
    bool from_cache = false;
  };

  // `dir` is the project's `.trellis`; `now_ns` the wall clock when loading starts.
  FileCache(std::string dir, std::int64_t now_ns);
  static std::int64_t wall_clock_ns();

  // Reads the cache file; missing or damaged is an empty cache.
  void load();
  // The cached content of `path` when its stamp is exactly `stamp`. Safe to call from
  // several threads once load() has returned.
  const Entry* find(std::string_view path, const FileStamp& stamp) const;
  // The cached entries of the directory `path` when its stamp is exactly `stamp`.
  const std::vector<Directory::EntryView>* find_listing(std::string_view path, const FileStamp& stamp) const;
  // True when content read with this stamp may be cached (see kSettle).
  bool settled(const FileStamp& stamp) const;
  // Rewrites the cache with what this run read, when that differs from what it holds.
  // Best effort: a cache that cannot be written is skipped silently.
  void save(const std::vector<const Record*>& records, const std::vector<const Listing*>& listings);

  std::size_t size() const { return entries_.size(); }
  std::size_t listings() const { return listings_.size(); }
  // How many of the files and directories given to save() came from the cache.
  std::size_t hits() const { return hits_; }
  std::size_t listing_hits() const { return listing_hits_; }

 private:
  std::string dir_;
  std::int64_t now_ns_;
  std::string data_;
  // By path, for binary search: the loader writes them in the order it reads the
  // directories, which is path order, so loading needs one allocation, not one per entry.
  std::vector<std::pair<std::string_view, Entry>> entries_;
  std::vector<Listing> listings_;  // by path, likewise
  std::size_t hits_ = 0;
  std::size_t listing_hits_ = 0;
};

}  // namespace trellis
