#include "db/state_sql.h"

#include <fmt/format.h>

#include "sql/sql_text.h"

namespace trellis {
namespace {

std::string lit_or_null(const std::string& v) { return v.empty() ? "NULL" : sql_literal(v); }

}  // namespace

const std::string& sqlite_state_ddl() {
  static const std::string ddl =
      "CREATE TABLE IF NOT EXISTS trellis_migrations (\n"
      "  id TEXT PRIMARY KEY,\n"
      "  feature TEXT NOT NULL,\n"
      "  checksum TEXT NOT NULL,\n"
      "  phase TEXT NOT NULL,\n"
      "  status TEXT NOT NULL CHECK (status IN ('applied', 'failed', 'running')),\n"
      "  started_at TEXT NOT NULL,\n"
      "  finished_at TEXT,\n"
      "  duration_ms INTEGER NOT NULL DEFAULT 0,\n"
      "  error TEXT,\n"
      "  applied_by TEXT,\n"
      "  tool_version TEXT,\n"
      "  statements_done INTEGER NOT NULL DEFAULT 0);\n"
      "CREATE TABLE IF NOT EXISTS trellis_history (\n"
      "  seq INTEGER PRIMARY KEY AUTOINCREMENT,\n"
      "  id TEXT NOT NULL,\n"
      "  action TEXT NOT NULL,\n"
      "  checksum TEXT,\n"
      "  at TEXT NOT NULL,\n"
      "  duration_ms INTEGER NOT NULL DEFAULT 0,\n"
      "  error TEXT,\n"
      "  by TEXT,\n"
      "  tool_version TEXT);\n";
  return ddl;
}

std::string render_state_sql(const StateRow& r, const HistoryEvent& e, StateSqlDialect dialect,
                             const std::string& schema) {
  bool pg = dialect == StateSqlDialect::kPostgres;
  std::string rows = pg ? schema + ".migrations" : "trellis_migrations";
  std::string events = pg ? schema + ".history" : "trellis_history";
  std::string verb = pg ? "INSERT INTO" : "INSERT OR REPLACE INTO";
  std::string conflict =
      pg ? "\nON CONFLICT (id) DO UPDATE SET checksum = EXCLUDED.checksum, phase = EXCLUDED.phase, "
           "status = EXCLUDED.status, started_at = EXCLUDED.started_at, finished_at = "
           "EXCLUDED.finished_at, duration_ms = EXCLUDED.duration_ms, error = EXCLUDED.error, "
           "applied_by = EXCLUDED.applied_by, tool_version = EXCLUDED.tool_version, "
           "statements_done = EXCLUDED.statements_done"
         : "";
  return fmt::format(
      "{} {} (id, feature, checksum, phase, status, started_at, finished_at, duration_ms, error, "
      "applied_by, tool_version, statements_done)\nVALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}){};\n"
      "INSERT INTO {} (id, action, checksum, at, duration_ms, error, by, tool_version)\n"
      "VALUES ({}, {}, {}, {}, {}, {}, {}, {});\n",
      verb, rows, sql_literal(r.id), sql_literal(r.feature), sql_literal(r.checksum),
      sql_literal(r.phase), sql_literal(record_status_name(r.status)), sql_literal(r.started_at),
      lit_or_null(r.finished_at), r.duration_ms, lit_or_null(r.error), sql_literal(r.applied_by),
      sql_literal(r.tool_version), r.statements_done, conflict, events, sql_literal(e.id),
      sql_literal(e.action), lit_or_null(e.checksum), sql_literal(e.at), e.duration_ms,
      lit_or_null(e.error), sql_literal(e.by), sql_literal(e.tool_version));
}

std::string render_forget_sql(const std::string& id, const HistoryEvent& e, StateSqlDialect dialect,
                              const std::string& schema) {
  bool pg = dialect == StateSqlDialect::kPostgres;
  std::string rows = pg ? schema + ".migrations" : "trellis_migrations";
  std::string events = pg ? schema + ".history" : "trellis_history";
  return fmt::format(
      "DELETE FROM {} WHERE id = {};\n"
      "INSERT INTO {} (id, action, checksum, at, duration_ms, error, by, tool_version)\n"
      "VALUES ({}, {}, {}, {}, {}, {}, {}, {});\n",
      rows, sql_literal(id), events, sql_literal(e.id), sql_literal(e.action), lit_or_null(e.checksum),
      sql_literal(e.at), e.duration_ms, lit_or_null(e.error), sql_literal(e.by), sql_literal(e.tool_version));
}

}  // namespace trellis
