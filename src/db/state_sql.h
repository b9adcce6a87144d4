// state_sql.h — the one description of trellis' own tables (trellis_migrations and
// trellis_history on SQLite, <schema>.migrations and <schema>.history on PostgreSQL): their
// columns, and every statement generated from them — the DDL, the column lists of reads and
// upserts, and the offline SQL of `apply --sql`. A column added here reaches every one.
#pragma once

#include <string>

#include "trellis/state.h"

namespace trellis {

enum class StateSqlDialect { kSqlite, kPostgres };

// CREATE TABLE IF NOT EXISTS for both tables. `schema` is the quoted state schema on
// PostgreSQL (ignored on SQLite).
std::string state_tables_ddl(StateSqlDialect dialect, const std::string& schema);
const std::string& sqlite_state_ddl();  // state_tables_ddl(kSqlite, "")

// "id, feature, …, statements_done": the migrations table's columns, in StateRow order.
const std::string& migration_columns();
// "feature = <excluded>.feature, …": every column but id, for ON CONFLICT (id) DO UPDATE.
std::string migration_update_set(const char* excluded);
// "id, action, checksum, at, duration_ms, error, \"by\", tool_version".
const std::string& history_columns();
// The SELECT list of migration_columns() as the backend reads it (SQLite: NULLs as '').
std::string state_columns_select(StateSqlDialect dialect);

// The SQLite backend's prepared bookkeeping statements: the row upsert (parameters ?1…?12
// in migration_columns() order; guarded: writes only when the row is absent (?13 < 0) or
// not applied with statements_done = ?13 and, unless ?14 is '', started_at = ?14 — see
// RowGuard) and the history insert (?1…?8).
const std::string& sqlite_upsert_sql(bool guarded);  // built once
const std::string& sqlite_history_insert_sql();

// The INSERTs that record `row` and append `event`, as text to run by hand. `schema` is
// the state schema on PostgreSQL (tables <schema>.migrations / <schema>.history).
std::string render_state_sql(const StateRow& row, const HistoryEvent& event, StateSqlDialect dialect,
                             const std::string& schema);

// The DELETE of `id`'s row and the history INSERT of `event`, as text.
std::string render_forget_sql(const std::string& id, const HistoryEvent& event, StateSqlDialect dialect,
                              const std::string& schema);

}  // namespace trellis
