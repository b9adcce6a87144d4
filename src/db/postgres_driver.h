// postgres_driver.h — internals of the PostgreSQL driver that tests may look at.
#pragma once

#include <cstdint>

#include "trellis/driver.h"

namespace trellis {

// Round trips to the server made so far by a driver made by make_postgres_driver(), or
// -1 for any other driver. Lets tests and benchmarks pin the cost of a migration.
std::int64_t postgres_round_trips(const Driver& driver);

}  // namespace trellis
