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

// The SQLite driver's prepared bookkeeping statements.
namespace sqlite_sql {
inline constexpr const char* kUpsertRow =
    "INSERT OR REPLACE INTO trellis_migrations (id, feature, checksum, phase, status, started_at, "
    "finished_at, duration_ms, error, applied_by, tool_version, statements_done) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULLIF(?7,''), ?8, NULLIF(?9,''), ?10, ?11, ?12)";
// The upsert of kUpsertRow that writes only when the row is absent (?13 < 0) or not
// applied with statements_done = ?13 and, unless ?14 is '', started_at = ?14 (RowGuard).
inline constexpr const char* kGuardedRow =
    "INSERT INTO trellis_migrations AS m (id, feature, checksum, phase, status, started_at, "
    "finished_at, duration_ms, error, applied_by, tool_version, statements_done) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULLIF(?7,''), ?8, NULLIF(?9,''), ?10, ?11, ?12) "
    "ON CONFLICT (id) DO UPDATE SET feature = excluded.feature, checksum = excluded.checksum, "
    "phase = excluded.phase, status = excluded.status, started_at = excluded.started_at, "
    "finished_at = excluded.finished_at, duration_ms = excluded.duration_ms, "
    "error = excluded.error, applied_by = excluded.applied_by, "
    "tool_version = excluded.tool_version, statements_done = excluded.statements_done "
    "WHERE ?13 >= 0 AND m.status <> 'applied' AND m.statements_done = ?13 "
    "AND (?14 = '' OR m.started_at = ?14)";
inline constexpr const char* kInsertEvent =
    "INSERT INTO trellis_history (id, action, checksum, at, duration_ms, error, by, tool_version) "
    "VALUES (?1, ?2, NULLIF(?3,''), ?4, ?5, NULLIF(?6,''), ?7, ?8)";
}  // namespace sqlite_sql

}  // namespace trellis
