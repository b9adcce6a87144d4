#include "db/pg_checkpoints.h"

#include "db/advisory_lock.h"
#include "db/libpq_api.h"
#include "trellis/error.h"

namespace trellis::pg {
namespace {

std::string iso(const std::string& column) {
  return "to_char(" + column + " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')";
}

std::int64_t to_int(const std::string& text) { return text.empty() ? 0 : std::stoll(text); }

}  // namespace

Checkpoints::Checkpoints(Connection& connection, const std::string& schema)
    : connection_(connection), schema_(schema), table_(connection.identifier(schema) + ".backfills") {}

std::string Checkpoints::ddl() const {
  return "CREATE TABLE IF NOT EXISTS " + table_ + " (\n"
         "  id text PRIMARY KEY,\n"
         "  checksum text NOT NULL,\n"
         "  mode text NOT NULL CHECK (mode IN ('range', 'until-empty')),\n"
         "  last_key text,\n"
         "  rows_done bigint NOT NULL DEFAULT 0,\n"
         "  batches bigint NOT NULL DEFAULT 0,\n"
         "  status text NOT NULL CHECK (status IN ('running', 'paused', 'done', 'failed')),\n"
         "  pause_requested boolean NOT NULL DEFAULT false,\n"
         "  started_at timestamptz NOT NULL,\n"
         "  updated_at timestamptz NOT NULL,\n"
         "  active_ms bigint NOT NULL DEFAULT 0,\n"
         "  error text);";
}

bool Checkpoints::exists() {
  Result r = connection_.exec_params("SELECT to_regclass($1) IS NOT NULL", {table_});
  return text_at(r, 0, 0) == "t";
}

void Checkpoints::ensure() {
  if (exists()) return;
  connection_.exec("SELECT pg_advisory_xact_lock(" + std::to_string(advisory_key("trellis ensure_state " + schema_)) +
                   ");\n" + ddl());
}

void Checkpoints::save(const BackfillCheckpoint& c) {
  connection_.exec_params(
      "INSERT INTO " + table_ +
          " (id, checksum, mode, last_key, rows_done, batches, status, started_at, updated_at, active_ms, error) "
          "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULLIF($11, '')) "
          "ON CONFLICT (id) DO UPDATE SET checksum = EXCLUDED.checksum, mode = EXCLUDED.mode, "
          "last_key = EXCLUDED.last_key, rows_done = EXCLUDED.rows_done, batches = EXCLUDED.batches, "
          "status = EXCLUDED.status, started_at = EXCLUDED.started_at, updated_at = EXCLUDED.updated_at, "
          "active_ms = EXCLUDED.active_ms, error = EXCLUDED.error",
      {c.id, c.checksum, c.mode, c.last_key, std::to_string(c.rows_done), std::to_string(c.batches),
       std::string(backfill_status_name(c.status)), c.started_at, c.updated_at, std::to_string(c.active_ms),
       c.error});
}

std::vector<BackfillCheckpoint> Checkpoints::load() {
  std::vector<BackfillCheckpoint> out;
  if (!exists()) return out;
  Result r = connection_.exec("SELECT id, checksum, mode, last_key, last_key IS NULL, rows_done, batches, status, "
                              "pause_requested, " + iso("started_at") + ", " + iso("updated_at") +
                              ", active_ms, coalesce(error, '') FROM " + table_ + " ORDER BY id");
  const auto& pq = libpq();
  for (int i = 0; i < pq.PQntuples(r.get()); ++i) {
    BackfillCheckpoint c;
    c.id = text_at(r, i, 0);
    c.checksum = text_at(r, i, 1);
    c.mode = text_at(r, i, 2);
    if (text_at(r, i, 4) != "t") c.last_key = text_at(r, i, 3);
    c.rows_done = to_int(text_at(r, i, 5));
    c.batches = to_int(text_at(r, i, 6));
    if (!parse_backfill_status(text_at(r, i, 7), &c.status)) {
      throw Error(ErrorKind::kState, connection_.target() + ": " + table_ + " has an unknown status '" +
                                         text_at(r, i, 7) + "' for " + c.id);
    }
    c.pause_requested = text_at(r, i, 8) == "t";
    c.started_at = text_at(r, i, 9);
    c.updated_at = text_at(r, i, 10);
    c.active_ms = to_int(text_at(r, i, 11));
    c.error = text_at(r, i, 12);
    out.push_back(std::move(c));
  }
  return out;
}

bool Checkpoints::remove(const std::string& id) {
  if (!exists()) return false;
  Result r = connection_.exec_params("DELETE FROM " + table_ + " WHERE id = $1", {id});
  const char* n = libpq().PQcmdTuples(r.get());
  return n != nullptr && to_int(n) > 0;
}

bool Checkpoints::request_pause(const std::string& id, PauseRequest request) {
  if (!exists()) return false;
  std::string set = request == PauseRequest::kPause
                        ? "pause_requested = true"
                        : "pause_requested = false, status = CASE status WHEN 'paused' THEN 'running' ELSE status END";
  Result r = connection_.exec_params("UPDATE " + table_ + " SET " + set + " WHERE id = $1", {id});
  const char* n = libpq().PQcmdTuples(r.get());
  return n != nullptr && to_int(n) > 0;
}

}  // namespace trellis::pg
