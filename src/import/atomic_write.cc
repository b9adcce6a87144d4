// The import's one write: everything into a temporary directory of the project, then each
// feature directory, the manifest and a new trellis.toml renamed into place (one rename
// each, on the same file system); a failed step moves back what was moved.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <filesystem>

#include "import/writer.h"
#include "trellis/error.h"

namespace trellis::imports {
namespace {

namespace fs = std::filesystem;

// A new file in the private temporary directory: written in place (the directory is what
// moves atomically), its parent made on first use.
void write_new(const fs::path& path, const std::string& text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0 && errno == ENOENT) {
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    if (ec) throw Error(ErrorKind::kIo, "cannot create " + path.parent_path().string() + ": " + ec.message());
    fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  }
  if (fd < 0) throw Error(ErrorKind::kIo, path.string() + ": cannot write: " + std::strerror(errno));
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      throw Error(ErrorKind::kIo, path.string() + ": cannot write: " + std::strerror(err));
    }
    done += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0) throw Error(ErrorKind::kIo, path.string() + ": cannot write: " + std::strerror(errno));
}

struct Move {
  fs::path from, to;
};

}  // namespace

void write_atomically(const std::string& project_dir, const std::string& migrations_dir, const Conversion& c,
                      const std::string& manifest, const std::string& config_text) {
  fs::path root(project_dir);
  std::error_code ec;
  for (const std::string& feature : c.report.features) {
    fs::path target = root / migrations_dir / feature;
    if (fs::exists(target, ec)) {
      throw Error(ErrorKind::kUsage, (fs::path(migrations_dir) / feature).string() + " already exists; nothing written",
                  "import into a new feature with --feature NAME");
    }
  }
  fs::path temp = root / (".trellis-import.tmp." + std::to_string(::getpid()));
  fs::remove_all(temp, ec);
  std::vector<Move> moves;
  try {
    for (const PlannedFile& f : c.files) write_new(temp / "features" / f.feature / fs::path(f.path).filename(), f.text);
    write_new(temp / ".trellis-import.toml", manifest);
    for (const std::string& feature : c.report.features) moves.push_back({temp / "features" / feature, root / migrations_dir / feature});
    moves.push_back({temp / ".trellis-import.toml", root / ".trellis-import.toml"});
    if (!config_text.empty()) {
      write_new(temp / "trellis.toml", config_text);
      moves.push_back({temp / "trellis.toml", root / "trellis.toml"});
    }
    fs::create_directories(root / migrations_dir, ec);
    if (ec) throw Error(ErrorKind::kIo, "cannot create " + (root / migrations_dir).string() + ": " + ec.message());
  } catch (...) {
    fs::remove_all(temp, ec);
    throw;
  }
  // The old manifest, if any, is kept aside until every move succeeded.
  fs::path old_manifest = temp / "previous-manifest";
  bool had_manifest = fs::exists(root / ".trellis-import.toml", ec);
  std::size_t done = 0;
  try {
    if (had_manifest) fs::rename(root / ".trellis-import.toml", old_manifest);
    for (; done < moves.size(); ++done) fs::rename(moves[done].from, moves[done].to);
  } catch (const fs::filesystem_error& e) {
    while (done > 0) {
      --done;
      fs::rename(moves[done].to, moves[done].from, ec);
    }
    if (had_manifest) fs::rename(old_manifest, root / ".trellis-import.toml", ec);
    fs::remove_all(temp, ec);
    throw Error(ErrorKind::kIo, std::string("cannot move the imported files into place: ") + e.what() +
                                    "; nothing was written");
  }
  fs::remove_all(temp, ec);
}

}  // namespace trellis::imports
