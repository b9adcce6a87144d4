// pg_leftovers.h — what an interrupted or failed non-transactional statement leaves behind
// on PostgreSQL: INVALID indexes of CREATE INDEX CONCURRENTLY and REINDEX … CONCURRENTLY.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "db/pg_connection.h"
#include "sql/pg_statement.h"

namespace trellis::pg {

// Drops the INVALID indexes an earlier attempt of `build` left; one line per index.
std::vector<std::string> drop_leftovers(Connection& connection, const ConcurrentBuild& build);

// Every INVALID index outside the system schemas, one line each.
std::vector<std::string> list_invalid_indexes(Connection& connection);

}  // namespace trellis::pg
