// sqlite_scratch.cc — SQLite scratch databases (trellis/scratch.h): in memory, forked with
// SQLite's backup API. Nothing outlives the process, so there are no leftovers to clean.
#include <sqlite3.h>

#include "db/drivers.h"
#include "db/sqlite_connection.h"
#include "trellis/error.h"
#include "trellis/scratch.h"

namespace trellis {
namespace {

sqlite3* handle_of(Driver& driver) {
  auto* c = dynamic_cast<sqlite::SqliteConnection*>(&driver.connection());
  if (c == nullptr) throw Error(ErrorKind::kState, "a SQLite scratch database has no SQLite connection");
  return c->handle();
}

class SqliteScratch final : public ScratchDatabase {
 public:
  SqliteScratch() : driver_(make_sqlite_driver(":memory:", OpenMode::kReadWrite)) {}
  Driver& driver() override { return *driver_; }
  std::string display_name() const override { return "SQLite in memory"; }

  std::unique_ptr<ScratchDatabase> fork() override {
    auto copy = std::make_unique<SqliteScratch>();
    sqlite3* to = handle_of(copy->driver());
    sqlite3_backup* backup = sqlite3_backup_init(to, "main", handle_of(*driver_), "main");
    if (backup == nullptr) throw Error(ErrorKind::kState, std::string("copying a scratch database: ") + sqlite3_errmsg(to));
    int rc = sqlite3_backup_step(backup, -1);
    sqlite3_backup_finish(backup);
    if (rc != SQLITE_DONE) throw Error(ErrorKind::kState, std::string("copying a scratch database: ") + sqlite3_errstr(rc));
    return copy;
  }

 private:
  std::unique_ptr<Driver> driver_;
};

class SqliteScratchServer final : public ScratchServer {
 public:
  std::unique_ptr<ScratchDatabase> create() override { return std::make_unique<SqliteScratch>(); }
  std::string display_target() const override { return "SQLite in memory"; }
};

}  // namespace

std::unique_ptr<ScratchServer> make_sqlite_scratch_server() { return std::make_unique<SqliteScratchServer>(); }

}  // namespace trellis
