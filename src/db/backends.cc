// backends.cc — the one table of database backends by URL scheme. Everything that asks
// what a URL means (open it, mask it, anchor a file path, check it, does opening create
// it) asks this table; nothing else in trellis compares URL schemes.
#include <filesystem>
#include <vector>

#include "db/drivers.h"
#include "trellis/error.h"
#include "util/text.h"

namespace trellis {
namespace {

struct Backend {
  const char* name;
  const char* forms;  // the URL forms accepted, for messages
  const char* write;  // how to write one, for the hint of a malformed one
  bool (*accepts)(const std::string& url);
  // "" when `url` is well-formed, else what is wrong with it.
  std::string (*problem)(const std::string& url);
  std::unique_ptr<Driver> (*open)(const std::string& url, OpenMode mode, const DriverOptions& options);
  std::string (*mask)(const std::string& url);
  bool (*opening_creates)(const std::string& url);
  std::string (*anchor)(const std::string& url, const std::string& root);
  // Where scratch databases are made: on the server of `url`; `given`: a scratch URL the
  // user named, rather than the live database's own.
  std::unique_ptr<ScratchServer> (*scratch)(const std::string& url, bool given, const DriverOptions& options);
};

// A libpq key-value string ("host=db dbname=app"): its first '=' comes before any "://"
// (which a value may hold: application_name=svc://x).
bool key_value(const std::string& url) {
  std::size_t eq = url.find('='), sep = url.find("://");
  return eq != std::string::npos && (sep == std::string::npos || eq < sep);
}

// --- SQLite: "sqlite:PATH" (relative to the project directory), "sqlite::memory:" -------
std::string sqlite_path(const std::string& url) {
  std::string path = url.substr(7);
  return starts_with(path, "//") ? path.substr(2) : path;  // tolerate sqlite://path
}

const Backend kSqlite = {
    "sqlite",
    "sqlite:PATH, sqlite::memory:",
    "write sqlite:PATH (relative to the project directory) or sqlite::memory:",
    [](const std::string& url) { return starts_with(url, "sqlite:"); },
    [](const std::string& url) -> std::string {
      return sqlite_path(url).empty() ? "database URL 'sqlite:' has no path" : "";
    },
    [](const std::string& url, OpenMode mode, const DriverOptions&) { return make_sqlite_driver(sqlite_path(url), mode); },
    [](const std::string& url) { return url; },  // a file path holds no password
    [](const std::string& url) {
      std::string path = sqlite_path(url);
      return path == ":memory:" || !std::filesystem::exists(path);
    },
    [](const std::string& url, const std::string& root) {
      std::string path = sqlite_path(url);
      if (path.empty() || path == ":memory:" || path[0] == '/') return "sqlite:" + path;
      return "sqlite:" + (std::filesystem::path(root) / path).lexically_normal().string();
    },
    [](const std::string&, bool, const DriverOptions&) { return make_sqlite_scratch_server(); },
};

// --- PostgreSQL: "postgres://…", "postgresql://…", libpq "host=… dbname=…" ---------------
const Backend kPostgres = {
    "postgres",
    "postgres://..., postgresql://..., or a libpq \"host=... dbname=...\" string",
    "write postgres://USER@HOST/DB or \"host=HOST dbname=DB\"",
    [](const std::string& url) { return starts_with(url, "postgres://") || starts_with(url, "postgresql://") || key_value(url); },
    [](const std::string&) { return std::string(); },  // libpq names what is wrong when it connects
    [](const std::string& url, OpenMode mode, const DriverOptions& options) {
      return make_postgres_driver(url, mode, options);
    },
    [](const std::string& url) { return mask_postgres_conninfo(url); },
    [](const std::string&) { return false; },  // a server: the database must exist
    [](const std::string& url, const std::string&) { return url; },
    [](const std::string& url, bool given, const DriverOptions& options) {
      return make_postgres_scratch_server(url, given, options);
    },
};

const std::vector<const Backend*>& backends() {
  static const std::vector<const Backend*> all = {&kSqlite, &kPostgres};
  return all;
}

const Backend* backend_for(const std::string& url) {
  for (const Backend* b : backends()) {
    if (b->accepts(url)) return b;
  }
  return nullptr;
}

std::string accepted_forms() {
  std::string out;
  for (const Backend* b : backends()) out += std::string(out.empty() ? "" : ", ") + b->forms;
  return out;
}

// The scheme only: the rest of a URL may hold a password. "" when what comes before the
// separator cannot be a scheme (it holds '=' or a space: a mistyped key-value string).
std::string scheme_of(const std::string& url) {
  auto sep = url.find("://");
  if (sep == std::string::npos) sep = url.find(':');
  if (sep == std::string::npos) return "";
  std::string scheme = url.substr(0, sep);
  return scheme.find_first_of("= \t") == std::string::npos ? scheme : "";
}

}  // namespace

void check_database_url(const std::string& url, const std::string& where) {
  const Backend* b = backend_for(url);
  if (b == nullptr) {
    std::string scheme = scheme_of(url);
    std::string what = scheme.empty() ? "database URL '" + mask_url(url) + "' has no scheme"
                                      : "unsupported database URL scheme '" + scheme + "'";
    throw Error(ErrorKind::kConfig, where + ": " + what, "accepted: " + accepted_forms());
  }
  std::string problem = b->problem(url);
  if (!problem.empty()) throw Error(ErrorKind::kConfig, where + ": " + problem, b->write);
}

std::unique_ptr<Driver> open_driver(const std::string& url, OpenMode mode, const DriverOptions& options) {
  const Backend* b = backend_for(url);
  if (b == nullptr) {
    throw Error(ErrorKind::kConfig, "unsupported database URL '" + mask_url(url) + "'", "use " + accepted_forms());
  }
  std::string problem = b->problem(url);
  if (!problem.empty()) throw Error(ErrorKind::kConfig, problem, b->write);
  return b->open(url, mode, options);
}

std::unique_ptr<ScratchServer> open_scratch_server(const std::string& live_url, const std::string& scratch_url,
                                                   const DriverOptions& options) {
  const std::string& url = scratch_url.empty() ? live_url : scratch_url;
  const Backend* b = backend_for(url);
  if (b == nullptr) throw Error(ErrorKind::kConfig, "unsupported database URL '" + mask_url(url) + "'", "use " + accepted_forms());
  const Backend* live = live_url.empty() ? b : backend_for(live_url);
  if (live != b) {
    throw Error(ErrorKind::kConfig,
                "the scratch database " + mask_url(url) + " is " + b->name + ", the database " + mask_url(live_url) +
                    " is " + (live == nullptr ? "unknown" : live->name),
                "replay on a server of the database's own kind");
  }
  std::string problem = b->problem(url);
  if (!problem.empty()) throw Error(ErrorKind::kConfig, problem, b->write);
  return b->scratch(url, !scratch_url.empty(), options);
}

std::unique_ptr<Driver> open_driver(const std::string& url, OpenMode mode, const std::string& state_schema) {
  DriverOptions options;
  options.state_schema = state_schema;
  return open_driver(url, mode, options);
}

std::string mask_url(const std::string& url) {
  const Backend* b = backend_for(url);
  return b == nullptr ? mask_postgres_conninfo(url) : b->mask(url);  // unknown: mask what looks like one
}

bool opening_creates(const std::string& url) {
  const Backend* b = backend_for(url);
  return b != nullptr && b->opening_creates(url);
}

std::string anchor_database_url(const std::string& url, const std::string& root) {
  const Backend* b = backend_for(url);
  return b == nullptr ? url : b->anchor(url, root);
}

std::string backend_name(const std::string& url) {
  const Backend* b = backend_for(url);
  return b == nullptr ? "" : b->name;
}

}  // namespace trellis
