// drivers.h — the backends' constructors and URL helpers, registered by URL scheme in one
// table (backends.cc). A new backend adds its entry there and nothing above db/ changes.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "trellis/driver.h"
#include "trellis/scratch.h"

namespace trellis {

// `path` is the file path after "sqlite:" (":memory:" for an in-memory database).
std::unique_ptr<Driver> make_sqlite_driver(const std::string& path, OpenMode mode);

// `conninfo` is a postgres:// / postgresql:// URL or a libpq key-value string.
// `state_schema` is the schema holding trellis' own tables.
std::unique_ptr<Driver> make_postgres_driver(const std::string& conninfo, OpenMode mode,
                                             const DriverOptions& options);
std::unique_ptr<Driver> make_postgres_driver(const std::string& conninfo, OpenMode mode,
                                             const std::string& state_schema);

// Scratch databases (trellis/scratch.h): SQLite's in memory; PostgreSQL's on the server of
// `conninfo`, which is a scratch URL the user gave (`given`: used in place when the role
// cannot create databases) or the live database's.
std::unique_ptr<ScratchServer> make_sqlite_scratch_server();
std::unique_ptr<ScratchServer> make_postgres_scratch_server(const std::string& conninfo, bool given,
                                                            const DriverOptions& options);

// A postgres:// URL or a libpq key-value string with its password masked (mask_url.cc).
std::string mask_postgres_conninfo(std::string_view url);

}  // namespace trellis
