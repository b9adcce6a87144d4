// state_sql.h — DDL and offline SQL of trellis' own tables.
#pragma once

#include <string>

#include "trellis/state.h"

namespace trellis {

enum class StateSqlDialect { kSqlite, kPostgres };

// CREATE TABLE IF NOT EXISTS for trellis_migrations and trellis_history (SQLite).
const std::string& sqlite_state_ddl();

// The INSERTs that record `row` and append `event`, as text to run by hand. `schema` is
// the state schema on PostgreSQL (tables <schema>.migrations / <schema>.history).
std::string render_state_sql(const StateRow& row, const HistoryEvent& event, StateSqlDialect dialect,
                             const std::string& schema);

// The DELETE of `id`'s row and the history INSERT of `event`, as text.
std::string render_forget_sql(const std::string& id, const HistoryEvent& event, StateSqlDialect dialect,
                              const std::string& schema);

}  // namespace trellis
