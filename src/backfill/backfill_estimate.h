// backfill_estimate.h — how many rows a range backfill has left, for progress and ETA.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "trellis/driver.h"
#include "trellis/migration.h"

namespace trellis {

// Rows with a key above `last_key` (the whole table when there is none yet). SQLite counts
// them; PostgreSQL scales pg_class.reltuples by the share of the key range left (integer
// keys) or subtracts `rows_done` (other keys), so that no table scan is needed. nullopt
// for until-empty backfills, or when the table cannot be read.
std::optional<std::int64_t> estimate_remaining(Driver& driver, const BatchSpec& spec,
                                               const std::optional<std::string>& last_key,
                                               std::int64_t rows_done);

}  // namespace trellis
