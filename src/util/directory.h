// directory.h — reads a directory tree through one open descriptor per directory
// (openat/fdopendir), so that loading thousands of small files costs no repeated path
// lookups: per file one openat, one fstat, one read and one close.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace trellis {

// What the kernel says about a file's identity and last change. Any write to the file
// changes ctime (which, unlike mtime, no tool can set back), so an unchanged stamp means
// unchanged content, provided the stamp was taken when the file's ctime was already in
// the past (see FileCache).
struct FileStamp {
  std::uint64_t device = 0;
  std::uint64_t inode = 0;
  std::int64_t size = 0;
  std::int64_t mtime_ns = 0;
  std::int64_t ctime_ns = 0;
  bool operator==(const FileStamp&) const = default;
};

class Directory {
 public:
  struct Entry {
    std::string name;
    bool directory = false;
  };
  // An entry whose name lives elsewhere (in a listing or in a cache file).
  struct EntryView {
    std::string_view name;
    bool directory = false;
  };

  // Opens `path`; throws Error(kIo) naming it.
  explicit Directory(const std::string& path);
  // Opens the sub-directory `name` of `parent`.
  Directory(const Directory& parent, const std::string& name);
  ~Directory();
  Directory(const Directory&) = delete;
  Directory& operator=(const Directory&) = delete;

  const std::string& path() const { return path_; }
  // Every entry but "." and "..", sorted by name (plain byte order).
  std::vector<Entry> entries() const;
  // The stamp of this directory itself. Adding, removing or renaming an entry moves its
  // mtime and ctime; editing a file inside does not.
  bool own_stamp(FileStamp* out) const;
  // The whole content of the regular file `name`; throws Error(kIo) naming it. With
  // `stamp`, also the file's stamp as it was just before reading.
  std::string read(std::string_view name, FileStamp* stamp = nullptr) const;
  // The stamp of `name` (following symbolic links, as read does), without opening it.
  // False when it cannot be had (then read() tells why).
  bool stamp(std::string_view name, FileStamp* out) const;

 private:
  Directory(int parent_fd, std::string path, const std::string& name);
  std::string path_;
  int fd_ = -1;
};

// Reads the file at `path` into `out`. False (and `out` empty) when it does not exist or
// cannot be read.
bool read_whole_file(const std::string& path, std::string* out);

}  // namespace trellis
