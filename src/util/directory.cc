#include "util/directory.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "trellis/error.h"

namespace trellis {
namespace {

[[noreturn]] void fail(const std::string& path, const char* what, int err) {
  throw Error(ErrorKind::kIo, path + ": " + what + ": " + std::strerror(err));
}

// d_type is DT_UNKNOWN on some file systems: then ask fstatat.
bool is_directory(int dir_fd, const dirent& e) {
  if (e.d_type != DT_UNKNOWN) return e.d_type == DT_DIR;
  struct stat st {};
  return ::fstatat(dir_fd, e.d_name, &st, 0) == 0 && S_ISDIR(st.st_mode);
}

class FileCloser {
 public:
  explicit FileCloser(int fd) : fd_(fd) {}
  ~FileCloser() { ::close(fd_); }
  FileCloser(const FileCloser&) = delete;
  FileCloser& operator=(const FileCloser&) = delete;

 private:
  int fd_;
};

FileStamp stamp_of(const struct stat& st) {
  auto ns = [](const struct timespec& t) { return static_cast<std::int64_t>(t.tv_sec) * 1000000000 + t.tv_nsec; };
  return {static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino),
          static_cast<std::int64_t>(st.st_size), ns(st.st_mtim), ns(st.st_ctim)};
}

// Sized by fstat and read straight into the string. Asking for one byte more than the
// size tells, in the same read, whether the file grew meanwhile (then reading goes on).
// False with errno set on failure.
bool read_fd(int fd, std::string* out, FileStamp* stamp) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return false;
  if (stamp) *stamp = stamp_of(st);
  std::size_t size = st.st_size > 0 ? static_cast<std::size_t>(st.st_size) : 0;
  out->assign(size + 1, '\0');
  std::size_t used = 0;
  for (;;) {
    ssize_t n = ::read(fd, out->data() + used, out->size() - used);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    if (n == 0) break;
    used += static_cast<std::size_t>(n);
    if (used < out->size()) {
      if (used == size) break;  // the whole file as fstat saw it, and no byte more
      continue;
    }
    out->resize(out->size() * 2);  // it grew: keep reading until end of file
  }
  out->resize(used);
  return true;
}

// A name as the kernel wants it, NUL-terminated: copied on the stack when short.
class CName {
 public:
  explicit CName(std::string_view name) {
    if (name.size() < sizeof(buffer_)) {
      std::memcpy(buffer_, name.data(), name.size());
      buffer_[name.size()] = '\0';
      text_ = buffer_;
    } else {
      long_.assign(name);
      text_ = long_.c_str();
    }
  }
  CName(const CName&) = delete;
  CName& operator=(const CName&) = delete;
  const char* c_str() const { return text_; }

 private:
  char buffer_[256];
  std::string long_;
  const char* text_;
};

}  // namespace

Directory::Directory(const std::string& path) : Directory(AT_FDCWD, path, path) {}

Directory::Directory(const Directory& parent, const std::string& name)
    : Directory(parent.fd_, parent.path_ + "/" + name, name) {}

Directory::Directory(int parent_fd, std::string path, const std::string& name) : path_(std::move(path)) {
  fd_ = ::openat(parent_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd_ < 0) fail(path_, "cannot open directory", errno);
}

Directory::~Directory() {
  if (fd_ >= 0) ::close(fd_);
}

std::vector<Directory::Entry> Directory::entries() const {
  // fdopendir takes over the descriptor it is given: hand it a duplicate.
  int fd = ::fcntl(fd_, F_DUPFD_CLOEXEC, 0);
  DIR* dir = fd < 0 ? nullptr : ::fdopendir(fd);
  if (dir == nullptr) {
    int err = errno;
    if (fd >= 0) ::close(fd);
    fail(path_, "cannot list", err);
  }
  std::vector<Entry> out;
  errno = 0;
  while (const dirent* e = ::readdir(dir)) {
    if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) {
      out.push_back({e->d_name, is_directory(fd, *e)});
    }
    errno = 0;
  }
  int err = errno;
  ::closedir(dir);
  if (err != 0) fail(path_, "cannot list", err);
  std::sort(out.begin(), out.end(), [](const Entry& a, const Entry& b) { return a.name < b.name; });
  return out;
}

std::string Directory::read(std::string_view name, FileStamp* stamp) const {
  int fd = ::openat(fd_, CName(name).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail(path_ + "/" + std::string(name), "cannot read", errno);
  FileCloser closer(fd);
  std::string out;
  if (!read_fd(fd, &out, stamp)) fail(path_ + "/" + std::string(name), "cannot read", errno);
  return out;
}

bool Directory::stamp(std::string_view name, FileStamp* out) const {
  struct stat st {};
  if (::fstatat(fd_, CName(name).c_str(), &st, 0) != 0) return false;
  *out = stamp_of(st);
  return true;
}

bool Directory::own_stamp(FileStamp* out) const {
  struct stat st {};
  if (::fstat(fd_, &st) != 0) return false;
  *out = stamp_of(st);
  return true;
}

bool read_whole_file(const std::string& path, std::string* out) {
  out->clear();
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  FileCloser closer(fd);
  if (read_fd(fd, out, nullptr)) return true;
  out->clear();
  return false;
}

}  // namespace trellis
