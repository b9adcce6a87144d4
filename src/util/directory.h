// directory.h — reads a directory tree through one open descriptor per directory
// (openat/fdopendir), so that loading thousands of small files costs no repeated path
// lookups: per file one openat, one fstat, one read and one close.
#pragma once

#include <string>
#include <vector>

namespace trellis {

class Directory {
 public:
  struct Entry {
    std::string name;
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
  // The whole content of the regular file `name`; throws Error(kIo) naming it.
  std::string read(const std::string& name) const;

 private:
  Directory(int parent_fd, std::string path, const std::string& name);
  std::string path_;
  int fd_ = -1;
};

}  // namespace trellis
