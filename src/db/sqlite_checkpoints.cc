// Checkpoints of batched backfills on SQLite. Part of the SQLite driver (includes sqlite3.h).
#include "db/sqlite_checkpoints.h"

#include <sqlite3.h>

#include "trellis/error.h"

namespace trellis::sqlite_checkpoints {
namespace {

constexpr const char* kUpsert =
    "INSERT INTO trellis_backfills (id, checksum, mode, last_key, rows_done, batches, status, "
    "started_at, updated_at, active_ms, error) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, NULLIF(?11,'')) "
    "ON CONFLICT (id) DO UPDATE SET checksum = excluded.checksum, mode = excluded.mode, "
    "last_key = excluded.last_key, rows_done = excluded.rows_done, batches = excluded.batches, "
    "status = excluded.status, started_at = excluded.started_at, updated_at = excluded.updated_at, "
    "active_ms = excluded.active_ms, error = excluded.error";

constexpr const char* kSelect =
    "SELECT id, checksum, mode, last_key, rows_done, batches, status, pause_requested, started_at, "
    "updated_at, active_ms, COALESCE(error,'') FROM trellis_backfills ORDER BY id";

// A prepared statement that finalizes itself.
class Prepared {
 public:
  Prepared(sqlite3* db, const std::string& where, const char* sql) : db_(db), where_(where) {
    if (sqlite3_prepare_v2(db, sql, -1, &s_, nullptr) != SQLITE_OK) fail(sqlite3_extended_errcode(db));
  }
  ~Prepared() { sqlite3_finalize(s_); }
  Prepared(const Prepared&) = delete;
  Prepared& operator=(const Prepared&) = delete;

  void text(int i, const std::string& v) {
    sqlite3_bind_text(s_, i, v.c_str(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  void integer(int i, std::int64_t v) { sqlite3_bind_int64(s_, i, v); }
  bool step() {
    int rc = sqlite3_step(s_);
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) fail(rc);
    return false;
  }
  std::string column_text(int i) const {
    const unsigned char* t = sqlite3_column_text(s_, i);
    return t == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(t));
  }
  bool column_null(int i) const { return sqlite3_column_type(s_, i) == SQLITE_NULL; }
  std::int64_t column_int(int i) const { return sqlite3_column_int64(s_, i); }

  [[noreturn]] void fail(int rc) const {
    bool busy = (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED;
    throw SqlError(where_ + ": trellis_backfills: " + sqlite3_errmsg(db_), sqlite3_errstr(rc), busy, false);
  }

 private:
  sqlite3* db_;
  const std::string& where_;
  sqlite3_stmt* s_ = nullptr;
};

bool table_exists(sqlite3* db, const std::string& where) {
  Prepared p(db, where, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='trellis_backfills'");
  return p.step() && p.column_int(0) > 0;
}

BackfillCheckpoint read_row(const Prepared& p, const std::string& where) {
  BackfillCheckpoint c;
  c.id = p.column_text(0);
  c.checksum = p.column_text(1);
  c.mode = p.column_text(2);
  if (!p.column_null(3)) c.last_key = p.column_text(3);
  c.rows_done = p.column_int(4);
  c.batches = p.column_int(5);
  if (!parse_backfill_status(p.column_text(6), &c.status)) {
    throw Error(ErrorKind::kState, where + ": trellis_backfills has an unknown status '" + p.column_text(6) +
                                       "' for " + c.id);
  }
  c.pause_requested = p.column_int(7) != 0;
  c.started_at = p.column_text(8);
  c.updated_at = p.column_text(9);
  c.active_ms = p.column_int(10);
  c.error = p.column_text(11);
  return c;
}

}  // namespace

const char* ddl() {
  return "CREATE TABLE IF NOT EXISTS trellis_backfills (\n"
         "  id TEXT PRIMARY KEY,\n"
         "  checksum TEXT NOT NULL,\n"
         "  mode TEXT NOT NULL CHECK (mode IN ('range', 'until-empty')),\n"
         "  last_key TEXT,\n"
         "  rows_done INTEGER NOT NULL DEFAULT 0,\n"
         "  batches INTEGER NOT NULL DEFAULT 0,\n"
         "  status TEXT NOT NULL CHECK (status IN ('running', 'paused', 'done', 'failed')),\n"
         "  pause_requested INTEGER NOT NULL DEFAULT 0,\n"
         "  started_at TEXT NOT NULL,\n"
         "  updated_at TEXT NOT NULL,\n"
         "  active_ms INTEGER NOT NULL DEFAULT 0,\n"
         "  error TEXT);\n";
}

void save(sqlite3* db, const std::string& where, const BackfillCheckpoint& c) {
  Prepared p(db, where, kUpsert);
  p.text(1, c.id);
  p.text(2, c.checksum);
  p.text(3, c.mode);
  if (c.last_key) p.text(4, *c.last_key);
  p.integer(5, c.rows_done);
  p.integer(6, c.batches);
  p.text(7, backfill_status_name(c.status));
  p.text(8, c.started_at);
  p.text(9, c.updated_at);
  p.integer(10, c.active_ms);
  p.text(11, c.error);
  p.step();
}

std::vector<BackfillCheckpoint> load(sqlite3* db, const std::string& where) {
  std::vector<BackfillCheckpoint> out;
  if (!table_exists(db, where)) return out;
  Prepared p(db, where, kSelect);
  while (p.step()) out.push_back(read_row(p, where));
  return out;
}

bool remove(sqlite3* db, const std::string& where, const std::string& id) {
  if (!table_exists(db, where)) return false;
  Prepared p(db, where, "DELETE FROM trellis_backfills WHERE id = ?1");
  p.text(1, id);
  p.step();
  return sqlite3_changes64(db) > 0;
}

bool request_pause(sqlite3* db, const std::string& where, const std::string& id, PauseRequest request) {
  if (!table_exists(db, where)) return false;
  const char* sql = request == PauseRequest::kPause
                        ? "UPDATE trellis_backfills SET pause_requested = 1 WHERE id = ?1"
                        : "UPDATE trellis_backfills SET pause_requested = 0, "
                          "status = CASE status WHEN 'paused' THEN 'running' ELSE status END WHERE id = ?1";
  Prepared p(db, where, sql);
  p.text(1, id);
  p.step();
  return sqlite3_changes64(db) > 0;
}

}  // namespace trellis::sqlite_checkpoints
