#include "util/cache_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "trellis/error.h"
#include "util/directory.h"

namespace fs = std::filesystem;

namespace trellis {
namespace {

[[noreturn]] void fail(const std::string& path, const char* what, int err) {
  throw Error(ErrorKind::kIo, path + ": " + what + ": " + std::strerror(err),
              "check that the project directory is writable (the cache only saves time)");
}

void write_all(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      fail(path, "cannot write", errno);
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

// Creates the directory and its .gitignore ("*" ignores the directory and the file
// itself), the way tools such as pytest and ruff mark their caches.
void prepare(const std::string& dir) {
  if (fs::is_directory(dir)) return;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) fail(dir, "cannot create directory", ec.value());
  std::string ignore = dir + "/.gitignore";
  int fd = ::open(ignore.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return;  // another run made it first
  write_all(fd, "# Created by trellis: derived data, safe to delete.\n*\n", ignore);
  ::close(fd);
}

}  // namespace

std::string read_cache_file(const std::string& path) {
  std::string out;
  read_whole_file(path, &out);
  return out;
}

void write_cache_file(const std::string& dir, const std::string& name, std::string_view data) {
  prepare(dir);
  std::string path = dir + "/" + name;
  std::string tmp = path + "." + std::to_string(::getpid()) + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail(tmp, "cannot write", errno);
  try {
    write_all(fd, data, tmp);
  } catch (...) {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw;
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    fail(path, "cannot replace", err);
  }
}

}  // namespace trellis
