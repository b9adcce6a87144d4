#include "db/state_sql.h"

#include <fmt/format.h>

#include <array>

#include "sql/sql_text.h"

namespace trellis {
namespace {

struct Column {
  const char* name;
  const char* sqlite_type;
  const char* postgres_type;
};

// trellis_migrations: one row per migration applied, failed or started (trellis/state.h).
constexpr std::array<Column, 12> kMigrationColumns = {{
    {"id", "TEXT PRIMARY KEY", "text PRIMARY KEY"},
    {"feature", "TEXT NOT NULL", "text NOT NULL"},
    {"checksum", "TEXT NOT NULL", "text NOT NULL"},
    {"phase", "TEXT NOT NULL", "text NOT NULL"},
    {"status", "TEXT NOT NULL CHECK (status IN ('applied', 'failed', 'running'))",
     "text NOT NULL CHECK (status IN ('applied', 'failed', 'running'))"},
    {"started_at", "TEXT NOT NULL", "timestamptz"},
    {"finished_at", "TEXT", "timestamptz"},
    {"duration_ms", "INTEGER NOT NULL DEFAULT 0", "bigint NOT NULL DEFAULT 0"},
    {"error", "TEXT", "text"},
    {"applied_by", "TEXT", "text"},
    {"tool_version", "TEXT", "text"},
    {"statements_done", "INTEGER NOT NULL DEFAULT 0", "integer NOT NULL DEFAULT 0"},
}};

// trellis_history: an append-only log of every action.
constexpr std::array<Column, 9> kHistoryColumns = {{
    {"seq", "INTEGER PRIMARY KEY AUTOINCREMENT", "bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY"},
    {"id", "TEXT NOT NULL", "text NOT NULL"},
    {"action", "TEXT NOT NULL", "text NOT NULL"},
    {"checksum", "TEXT", "text"},
    {"at", "TEXT NOT NULL", "timestamptz NOT NULL DEFAULT now()"},
    {"duration_ms", "INTEGER NOT NULL DEFAULT 0", "bigint NOT NULL DEFAULT 0"},
    {"error", "TEXT", "text"},
    {"\"by\"", "TEXT", "text"},
    {"tool_version", "TEXT", "text"},
}};

template <std::size_t N>
std::string create_table(const std::string& table, const std::array<Column, N>& columns, bool pg) {
  std::string sql = "CREATE TABLE IF NOT EXISTS " + table + " (";
  for (std::size_t i = 0; i < N; ++i) {
    sql += std::string(i == 0 ? "\n  " : ",\n  ") + columns[i].name + " " +
           (pg ? columns[i].postgres_type : columns[i].sqlite_type);
  }
  return sql + ");\n";
}

template <std::size_t N>
std::string names(const std::array<Column, N>& columns, std::size_t from) {
  std::string out;
  for (std::size_t i = from; i < N; ++i) out += std::string(out.empty() ? "" : ", ") + columns[i].name;
  return out;
}

std::string lit_or_null(const std::string& v) { return v.empty() ? "NULL" : sql_literal(v); }

std::string migrations_table(StateSqlDialect d, const std::string& schema) {
  return d == StateSqlDialect::kPostgres ? schema + ".migrations" : "trellis_migrations";
}
std::string history_table(StateSqlDialect d, const std::string& schema) {
  return d == StateSqlDialect::kPostgres ? schema + ".history" : "trellis_history";
}

// A timestamp of a rendered script: kServerNow is the database's clock when the script
// runs (in trellis' own format on SQLite), anything else the literal.
std::string time_lit(const std::string& v, StateSqlDialect d) {
  if (v != kServerNow) return lit_or_null(v);
  return d == StateSqlDialect::kPostgres ? "now()" : "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";
}

std::string history_insert(const std::string& table, const HistoryEvent& e, StateSqlDialect d) {
  return fmt::format("INSERT INTO {} ({})\nVALUES ({}, {}, {}, {}, {}, {}, {}, {});\n", table, history_columns(),
                     sql_literal(e.id), sql_literal(e.action), lit_or_null(e.checksum), time_lit(e.at, d),
                     e.duration_ms, lit_or_null(e.error), sql_literal(e.by), sql_literal(e.tool_version));
}

// The SQLite row upsert, built once by sqlite_upsert_sql().
std::string sqlite_upsert(bool guarded) {
  std::string sql = "INSERT INTO trellis_migrations AS m (" + migration_columns() +
                    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULLIF(?7,''), ?8, NULLIF(?9,''), ?10, ?11, ?12) "
                    "ON CONFLICT (id) DO UPDATE SET " + migration_update_set("excluded");
  if (guarded) {
    sql += " WHERE ?13 >= 0 AND m.status <> 'applied' AND m.statements_done = ?13 "
           "AND (?14 = '' OR m.started_at = ?14)";
  }
  return sql;
}

}  // namespace

std::string state_tables_ddl(StateSqlDialect dialect, const std::string& schema) {
  bool pg = dialect == StateSqlDialect::kPostgres;
  return create_table(migrations_table(dialect, schema), kMigrationColumns, pg) +
         create_table(history_table(dialect, schema), kHistoryColumns, pg);
}

const std::string& sqlite_state_ddl() {
  static const std::string ddl = state_tables_ddl(StateSqlDialect::kSqlite, "");
  return ddl;
}

const std::string& migration_columns() {
  static const std::string list = names(kMigrationColumns, 0);
  return list;
}

std::string migration_update_set(const char* excluded) {
  std::string out;
  for (std::size_t i = 1; i < kMigrationColumns.size(); ++i) {
    std::string name = kMigrationColumns[i].name;
    out += (out.empty() ? "" : ", ") + name + " = " + excluded + "." + name;
  }
  return out;
}

const std::string& history_columns() {
  static const std::string list = names(kHistoryColumns, 1);
  return list;
}

std::string state_columns_select(StateSqlDialect dialect) {
  if (dialect == StateSqlDialect::kPostgres) return migration_columns();
  return "id, feature, checksum, phase, status, started_at, COALESCE(finished_at,''), duration_ms, "
         "COALESCE(error,''), COALESCE(applied_by,''), COALESCE(tool_version,''), statements_done";
}

const std::string& sqlite_upsert_sql(bool guarded) {
  static const std::string plain = sqlite_upsert(false), with_guard = sqlite_upsert(true);
  return guarded ? with_guard : plain;
}

const std::string& sqlite_history_insert_sql() {
  static const std::string sql = "INSERT INTO trellis_history (" + history_columns() +
                                 ") VALUES (?1, ?2, NULLIF(?3,''), ?4, ?5, NULLIF(?6,''), ?7, ?8)";
  return sql;
}


std::string render_state_sql(const StateRow& r, const HistoryEvent& e, StateSqlDialect dialect,
                             const std::string& schema) {
  std::string row = fmt::format(
      "INSERT INTO {} ({})\nVALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {})\n"
      "ON CONFLICT (id) DO UPDATE SET {};\n",
      migrations_table(dialect, schema), migration_columns(), sql_literal(r.id), sql_literal(r.feature),
      sql_literal(r.checksum), sql_literal(r.phase), sql_literal(record_status_name(r.status)),
      time_lit(r.started_at, dialect), time_lit(r.finished_at, dialect), r.duration_ms, lit_or_null(r.error),
      sql_literal(r.applied_by), sql_literal(r.tool_version), r.statements_done,
      migration_update_set(dialect == StateSqlDialect::kPostgres ? "EXCLUDED" : "excluded"));
  return row + history_insert(history_table(dialect, schema), e, dialect);
}

std::string render_forget_sql(const std::string& id, const HistoryEvent& e, StateSqlDialect dialect,
                              const std::string& schema) {
  return fmt::format("DELETE FROM {} WHERE id = {};\n", migrations_table(dialect, schema), sql_literal(id)) +
         history_insert(history_table(dialect, schema), e, dialect);
}

}  // namespace trellis
