// trellis/driver.h — a database opened through one backend, as its seams:
//   Connection  statements, queries that return rows, transactions (trellis/connection.h)
//   StateStore  trellis' own tables                                   (trellis/state_store.h)
//   RunnerLock  one runner at a time                                  (trellis/runner_lock.h)
//   SqlDialect  splitting, traits, leftovers, offline BEGIN/COMMIT    (trellis/dialect.h)
//   Catalog     what the database says about its objects              (trellis/dialect.h)
// A backend (src/db/sqlite_driver.cc, postgres_driver.cc) owns the parts and registers
// under its URL schemes in one table (src/db/backends.cc); nothing above db/ knows which
// backend it talks to. A Driver is not thread-safe.
#pragma once

#include <memory>
#include <string>

#include "trellis/connection.h"
#include "trellis/dialect.h"
#include "trellis/runner_lock.h"
#include "trellis/state_store.h"

namespace trellis {

enum class OpenMode {
  kReadOnly,   // reading commands: never create files, schemas or tables, never lock
  kReadWrite
};

class Driver {
 public:
  virtual ~Driver() = default;
  Driver(const Driver&) = delete;
  Driver& operator=(const Driver&) = delete;

  Connection& connection() { return *connection_; }
  StateStore& state() { return *state_; }
  RunnerLock& lock() { return *lock_; }
  SqlDialect& dialect() { return *dialect_; }
  Catalog& catalog() { return *catalog_; }
  const SqlDialect& dialect() const { return *dialect_; }
  // The target for messages, password masked ("postgres://app:***@db:5432/shop").
  std::string display_target() const { return connection_->display_target(); }

 protected:
  Driver() = default;
  // Called once by the backend's constructor (or a wrapper's, with some parts replaced).
  void attach(Connection& c, StateStore& s, RunnerLock& l, SqlDialect& d, Catalog& k) {
    connection_ = &c;
    state_ = &s;
    lock_ = &l;
    dialect_ = &d;
    catalog_ = &k;
  }

 private:
  Connection* connection_ = nullptr;
  StateStore* state_ = nullptr;
  RunnerLock* lock_ = nullptr;
  SqlDialect* dialect_ = nullptr;
  Catalog* catalog_ = nullptr;
};

// How a driver is opened, beyond its URL.
struct DriverOptions {
  std::string state_schema;          // PostgreSQL schema of trellis' tables ("" = trellis)
  std::string runner_lock = "auto";  // Settings::runner_lock
  Millis lease_ttl{20000};           // Settings::lease_ttl
};

// Opens a driver for a URL through the backend that registered its scheme:
// "sqlite:PATH", "sqlite::memory:", "postgres://…", "postgresql://…" or a libpq key-value
// string ("host=… dbname=…"). Throws Error(kConfig) for a URL no backend accepts.
std::unique_ptr<Driver> open_driver(const std::string& url, OpenMode mode,
                                    const DriverOptions& options);
std::unique_ptr<Driver> open_driver(const std::string& url, OpenMode mode,
                                    const std::string& state_schema);

// --- database URLs: answered by the backend that registered the scheme -------------------
// The URL with any password replaced by "***", for messages.
std::string mask_url(const std::string& url);
// Whether opening `url` for writing would create the database (a SQLite file that does
// not exist yet, or an in-memory database).
bool opening_creates(const std::string& url);
// Throws Error(kConfig) "<where>: …" when no backend accepts `url`, or it is malformed
// (naming the accepted forms); `where` names its origin ("trellis.toml:7", "--database").
void check_database_url(const std::string& url, const std::string& where);
// `url` with a relative file path anchored at `root` ("sqlite:dev.db" is relative to the
// project directory, not the current one); other URLs unchanged.
std::string anchor_database_url(const std::string& url, const std::string& root);
// The backend's name for a URL ("sqlite", "postgres"), or "" when none accepts it.
std::string backend_name(const std::string& url);

}  // namespace trellis
