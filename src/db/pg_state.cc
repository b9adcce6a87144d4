// pg_state.cc — DDL, reads and bookkeeping writes of the state tables.
#include "db/pg_state.h"

#include <utility>

#include "db/advisory_lock.h"
#include "db/libpq_api.h"
#include "db/pg_binary.h"
#include "db/pg_lease.h"
#include "db/state_sql.h"
#include "trellis/error.h"

namespace trellis::pg {
namespace {

RecordStatus status_from(const std::string& text, const std::string& id) {
  RecordStatus status = RecordStatus::kFailed;
  if (parse_record_status(text, &status)) return status;
  throw Error(ErrorKind::kState, "migration " + id + " has unknown status '" + text + "'",
              "the state table was edited by hand; set its status to applied, failed or "
              "running");
}

std::string iso(const std::string& column) {
  return "to_char(" + column +
         " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')";
}

std::int64_t to_int(const std::string& text) { return text.empty() ? 0 : std::stoll(text); }

}  // namespace

StateTables::StateTables(Connection& connection, std::string schema)
    : connection_(connection),
      schema_(std::move(schema)),
      quoted_schema_(connection.identifier(schema_)) {}

bool StateTables::exist() {
  if (known_to_exist_) return true;
  Result result = connection_.exec_params(
      "SELECT to_regclass($1) IS NOT NULL AND to_regclass($2) IS NOT NULL",
      {quoted_schema_ + ".migrations", quoted_schema_ + ".history"});
  known_to_exist_ = text_at(result, 0, 0) == "t";
  return known_to_exist_;
}

std::string StateTables::ddl() const {
  return "CREATE SCHEMA IF NOT EXISTS " + quoted_schema_ + ";\n" +
         state_tables_ddl(StateSqlDialect::kPostgres, quoted_schema_) + Lease::ddl(quoted_schema_);
}

void StateTables::ensure() {
  if (exist()) return;
  connection_.exec("SELECT pg_advisory_xact_lock(" +
                   std::to_string(advisory_key("trellis ensure_state " + schema_)) + ");\n" + ddl());
}

// In binary format and in no particular order (callers index the rows by id; sorting on
// the server cost about as much as the read itself).
std::vector<StateRow> StateTables::load_rows() {
  if (!exist()) return {};
  Result result = connection_.exec_binary(
      "SELECT " + migration_columns() + " FROM " + quoted_schema_ + ".migrations");
  const int count = libpq().PQntuples(result.get());
  std::vector<StateRow> rows(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    StateRow& row = rows[static_cast<std::size_t>(i)];
    row.id = binary_text(result, i, 0);
    row.feature = binary_text(result, i, 1);
    row.checksum = binary_text(result, i, 2);
    row.phase = binary_text(result, i, 3);
    row.status = status_from(binary_text(result, i, 4), row.id);
    row.started_at = binary_timestamp(result, i, 5);
    row.finished_at = binary_timestamp(result, i, 6);
    row.duration_ms = binary_integer(result, i, 7);
    row.error = binary_text(result, i, 8);
    row.applied_by = binary_text(result, i, 9);
    row.tool_version = binary_text(result, i, 10);
    row.statements_done = static_cast<int>(binary_integer(result, i, 11));
  }
  return rows;
}

std::vector<HistoryEvent> StateTables::load_history() {
  if (!exist()) return {};
  Result result = connection_.exec(
      "SELECT seq, id, action, coalesce(checksum, ''), " + iso("at") +
      ", duration_ms, coalesce(error, ''), coalesce(\"by\", ''), coalesce(tool_version, '') "
      "FROM " + quoted_schema_ + ".history ORDER BY seq");
  std::vector<HistoryEvent> events;
  const auto& pq = libpq();
  for (int i = 0; i < pq.PQntuples(result.get()); ++i) {
    HistoryEvent event;
    event.seq = to_int(text_at(result, i, 0));
    event.id = text_at(result, i, 1);
    event.action = text_at(result, i, 2);
    event.checksum = text_at(result, i, 3);
    event.at = text_at(result, i, 4);
    event.duration_ms = to_int(text_at(result, i, 5));
    event.error = text_at(result, i, 6);
    event.by = text_at(result, i, 7);
    event.tool_version = text_at(result, i, 8);
    events.push_back(std::move(event));
  }
  return events;
}

std::string StateTables::text_or_null(const std::string& text) const {
  return text.empty() ? "NULL" : connection_.literal(text);
}

std::string StateTables::timestamp_or(const std::string& text,
                                      const std::string& fallback) const {
  if (text == kServerNow) return "now()";
  return text.empty() ? fallback : connection_.literal(text) + "::timestamptz";
}

std::string StateTables::history_insert(const HistoryEvent& e) const {
  return "INSERT INTO " + quoted_schema_ + ".history (" + history_columns() + ")\n"
         "VALUES (" + connection_.literal(e.id) + ", " + connection_.literal(e.action) + ", " +
         text_or_null(e.checksum) + ", " + timestamp_or(e.at, "now()") + ", " +
         std::to_string(e.duration_ms) + ", " + text_or_null(e.error) + ", " +
         text_or_null(e.by) + ", " + text_or_null(e.tool_version) + ");";
}

std::string StateTables::row_insert(const StateRow& r) const {
  static const std::string update_set = migration_update_set("EXCLUDED");
  return "INSERT INTO " + quoted_schema_ + ".migrations AS m (" + migration_columns() + ")\n"
         "VALUES (" + connection_.literal(r.id) + ", " + connection_.literal(r.feature) + ", " +
         connection_.literal(r.checksum) + ", " + connection_.literal(r.phase) + ", '" +
         record_status_name(r.status) + "', " + timestamp_or(r.started_at, "NULL") + ", " +
         timestamp_or(r.finished_at, "NULL") + ", " + std::to_string(r.duration_ms) + ", " +
         text_or_null(r.error) + ", " + text_or_null(r.applied_by) + ", " +
         text_or_null(r.tool_version) + ", " + std::to_string(r.statements_done) + ")\n"
         "ON CONFLICT (id) DO UPDATE SET " + update_set;
}

std::string StateTables::record_sql(const StateRow& r, const HistoryEvent& event) const {
  return row_insert(r) + ";" +
         (event.action.empty() ? std::string() : "\n" + history_insert(event));
}

std::string StateTables::guarded_record_sql(const StateRow& r, const HistoryEvent& event,
                                            int expected_done,
                                            const std::string& expected_started) const {
  std::string condition = expected_done < 0
                              ? "false"
                              : "m.status <> 'applied' AND m.statements_done = " +
                                    std::to_string(expected_done);
  if (expected_done >= 0 && !expected_started.empty()) {
    condition += " AND date_trunc('milliseconds', m.started_at) = " +
                 connection_.literal(expected_started) + "::timestamptz";
  }
  std::string body = row_insert(r) + "\n  WHERE " + condition +
                     ";\nIF NOT FOUND THEN RAISE EXCEPTION USING ERRCODE = '" + kConflictState +
                     "', MESSAGE = 'migration ' || " + connection_.literal(r.id) +
                     " || ' was recorded by another runner meanwhile'; END IF;" +
                     (event.action.empty() ? std::string() : "\n" + history_insert(event));
  std::string tag = "$trellis$";
  for (int n = 1; body.find(tag) != std::string::npos; ++n) tag = "$trellis" + std::to_string(n) + "$";
  return "DO " + tag + " BEGIN\n" + body + "\nEND " + tag + ";";
}

std::string StateTables::describe_row(const std::string& id) {
  Result r = connection_.exec_params(
      "SELECT status || '|' || statements_done || '|' || coalesce(applied_by, '') FROM " +
          quoted_schema_ + ".migrations WHERE id = $1",
      {id});
  return libpq().PQntuples(r.get()) == 0 ? "" : text_at(r, 0, 0);
}

std::string StateTables::forget_sql(const std::string& id, const HistoryEvent& event) const {
  return "DELETE FROM " + quoted_schema_ + ".migrations WHERE id = " + connection_.literal(id) +
         ";\n" + history_insert(event);
}

}  // namespace trellis::pg
