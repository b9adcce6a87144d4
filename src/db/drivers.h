// drivers.h — constructors of the concrete drivers, used by open_driver().
#pragma once

#include <memory>
#include <string>

#include "trellis/driver.h"

namespace trellis {

// `path` is the file path after "sqlite:" (":memory:" for an in-memory database).
std::unique_ptr<Driver> make_sqlite_driver(const std::string& path, OpenMode mode);

// `conninfo` is a postgres:// / postgresql:// URL or a libpq key-value string.
// `state_schema` is the schema holding trellis' own tables.
std::unique_ptr<Driver> make_postgres_driver(const std::string& conninfo, OpenMode mode,
                                             const DriverOptions& options);
std::unique_ptr<Driver> make_postgres_driver(const std::string& conninfo, OpenMode mode,
                                             const std::string& state_schema);

}  // namespace trellis
