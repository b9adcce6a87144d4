#include <filesystem>

#include "db/drivers.h"
#include "trellis/error.h"
#include "util/text.h"

namespace trellis {

std::unique_ptr<Driver> open_driver(const std::string& url, OpenMode mode,
                                    const std::string& state_schema) {
  DriverOptions options;
  options.state_schema = state_schema;
  return open_driver(url, mode, options);
}

std::unique_ptr<Driver> open_driver(const std::string& url, OpenMode mode,
                                    const DriverOptions& options) {
  if (starts_with(url, "sqlite:")) {
    std::string path = url.substr(7);
    if (path.empty()) throw Error(ErrorKind::kConfig, "database URL 'sqlite:' has no path");
    return make_sqlite_driver(path, mode);
  }
  if (starts_with(url, "postgres://") || starts_with(url, "postgresql://") ||
      url.find('=') != std::string::npos) {
    return make_postgres_driver(url, mode, options);
  }
  throw Error(ErrorKind::kConfig, "unsupported database URL '" + mask_url(url) + "'",
              "use sqlite:PATH, sqlite::memory:, postgres://… or a libpq 'host=… dbname=…' string");
}

bool opening_creates(const std::string& url) {
  if (!starts_with(url, "sqlite:")) return false;
  std::string path = url.substr(7);
  return path == ":memory:" || !std::filesystem::exists(path);
}

}  // namespace trellis
