// trellis/scratch.h — throw-away databases to replay migrations on (drift in `check`,
// `verify`): created empty, dropped when destroyed, forked at a point so that orders with
// a common prefix replay it once.
#pragma once

#include <memory>
#include <string>

#include "trellis/driver.h"

namespace trellis {

class ScratchDatabase {
 public:
  virtual ~ScratchDatabase() = default;  // drops the database (a later run removes what a kill left)
  virtual Driver& driver() = 0;
  // For messages: "trellis_scratch_4711_2 on postgres://app:***@db/postgres", "SQLite in memory".
  virtual std::string display_name() const = 0;
  // A new scratch database holding this one's schema and rows as they are now
  // (PostgreSQL: CREATE DATABASE … TEMPLATE; SQLite: the backup API); nullptr when this
  // server cannot fork (a given scratch database without CREATEDB): replay from the start.
  virtual std::unique_ptr<ScratchDatabase> fork() = 0;
};

class ScratchServer {
 public:
  virtual ~ScratchServer() = default;
  // A new, empty scratch database. Throws Error(kConnection) when none can be made.
  virtual std::unique_ptr<ScratchDatabase> create() = 0;
  // Where the scratch databases are made, password masked, for messages.
  virtual std::string display_target() const = 0;
  // Whether only one scratch database can exist at a time (a given database used in
  // place): the previous one must be destroyed before create() is called again.
  virtual bool one_at_a_time() const { return false; }
};

// Where scratch databases for the environment's database `live_url` are made: on the
// server of `scratch_url` when one is given (`--scratch`, `scratch_database`), else on the
// live database's own server (PostgreSQL: CREATE DATABASE there, with a recognisable name;
// SQLite: in memory). Nothing is ever written to the live database. Removes the scratch
// databases of runs that were killed (recognised by name, their process gone). Throws
// Error(kConnection) with a hint when no scratch database can be made (no CREATEDB and no
// scratch URL, an unreachable server).
std::unique_ptr<ScratchServer> open_scratch_server(const std::string& live_url, const std::string& scratch_url,
                                                   const DriverOptions& options);

}  // namespace trellis
