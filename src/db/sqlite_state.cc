// The SQLite backend's StateStore.
#include "db/sqlite_state.h"

#include <sqlite3.h>

#include "db/sqlite_checkpoints.h"
#include "db/state_sql.h"

namespace trellis::sqlite {
namespace {

void bind_text(sqlite3_stmt* s, int i, const std::string& v) {
  sqlite3_bind_text(s, i, v.c_str(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
}

}  // namespace

SqliteState::~SqliteState() {
  for (auto* s : {insert_row_, guarded_row_, insert_event_, delete_row_}) sqlite3_finalize(s);
}

void SqliteState::ensure() {
  if (c_.mode() == OpenMode::kReadOnly || c_.absent()) return;  // as the contract says
  c_.exec_plain(sqlite_state_ddl());
  c_.exec_plain(sqlite_checkpoints::ddl());
}

std::vector<StateRow> SqliteState::load_rows() {
  std::vector<StateRow> rows;
  if (!has_state()) return rows;
  sqlite3* db = c_.handle();
  {  // sized once: a row is a dozen strings, and growing would move them all
    Stmt count(db, "SELECT count(*) FROM trellis_migrations");
    if (c_.step(count.get(), "reading trellis_migrations") == SQLITE_ROW) {
      rows.reserve(static_cast<std::size_t>(sqlite3_column_int64(count.get(), 0)));
    }
  }
  Stmt s(db, "SELECT " + state_columns_select(StateSqlDialect::kSqlite) + " FROM trellis_migrations");
  while (c_.step(s.get(), "reading trellis_migrations") == SQLITE_ROW) {
    StateRow r;
    r.id = column_text(s.get(), 0); r.feature = column_text(s.get(), 1); r.checksum = column_text(s.get(), 2);
    r.phase = column_text(s.get(), 3);
    if (!parse_record_status(column_text(s.get(), 4), &r.status)) {
      throw Error(ErrorKind::kState, c_.display_target() + ": trellis_migrations has an unknown status '" +
                                         column_text(s.get(), 4) + "' for " + r.id);
    }
    r.started_at = column_text(s.get(), 5); r.finished_at = column_text(s.get(), 6);
    r.duration_ms = sqlite3_column_int64(s.get(), 7); r.error = column_text(s.get(), 8);
    r.applied_by = column_text(s.get(), 9); r.tool_version = column_text(s.get(), 10);
    r.statements_done = sqlite3_column_int(s.get(), 11);
    rows.push_back(std::move(r));
  }
  return rows;
}

std::vector<HistoryEvent> SqliteState::load_history() {
  std::vector<HistoryEvent> out;
  if (!has_state()) return out;
  Stmt s(c_.handle(), "SELECT seq, id, action, COALESCE(checksum,''), at, duration_ms, COALESCE(error,''), "
                      "COALESCE(by,''), COALESCE(tool_version,'') FROM trellis_history ORDER BY seq");
  while (c_.step(s.get(), "reading trellis_history") == SQLITE_ROW) {
    HistoryEvent e;
    e.seq = sqlite3_column_int64(s.get(), 0); e.id = column_text(s.get(), 1); e.action = column_text(s.get(), 2);
    e.checksum = column_text(s.get(), 3); e.at = column_text(s.get(), 4);
    e.duration_ms = sqlite3_column_int64(s.get(), 5); e.error = column_text(s.get(), 6);
    e.by = column_text(s.get(), 7); e.tool_version = column_text(s.get(), 8);
    out.push_back(std::move(e));
  }
  return out;
}

void SqliteState::record(const StateRow& row, const HistoryEvent& event) {
  prepare_cached(insert_row_, sqlite_upsert_sql(false));
  bind_row(insert_row_, row);
  run_cached(insert_row_);
  if (!event.action.empty()) append(event);
}

void SqliteState::record_and_commit(const StateRow& row, const HistoryEvent& event) {
  record(row, event);
  c_.commit();
}

void SqliteState::record_guarded(const StateRow& row, const HistoryEvent& event, RowGuard guard) {
  prepare_cached(guarded_row_, sqlite_upsert_sql(true));
  bind_row(guarded_row_, row);
  sqlite3_bind_int(guarded_row_, 13, guard.expected_done);
  bind_text(guarded_row_, 14, guard.expected_started);
  run_cached(guarded_row_);
  if (sqlite3_changes(c_.handle()) != 1) {
    c_.rollback();
    throw Error(ErrorKind::kLock,
                "migration " + row.id + " was recorded by another runner while this one was "
                "running it; this runner's uncommitted work on it was rolled back",
                "two runners worked on " + c_.display_target() + " at once; is another "
                "process writing trellis_migrations without trellis' lock?");
  }
  if (!event.action.empty()) append(event);
}

void SqliteState::record_guarded_and_commit(const StateRow& row, const HistoryEvent& event, RowGuard guard) {
  record_guarded(row, event, guard);
  c_.commit();
}

void SqliteState::forget(const std::string& id, const HistoryEvent& event) {
  prepare_cached(delete_row_, "DELETE FROM trellis_migrations WHERE id = ?1");
  sqlite3_bind_text(delete_row_, 1, id.c_str(), -1, SQLITE_TRANSIENT);
  run_cached(delete_row_);
  append(event);
}

void SqliteState::save_checkpoint(const BackfillCheckpoint& c) {
  sqlite_checkpoints::save(c_.handle(), c_.display_target(), c);
}

std::vector<BackfillCheckpoint> SqliteState::load_checkpoints() {
  if (c_.absent()) return {};
  return sqlite_checkpoints::load(c_.handle(), c_.display_target());
}

bool SqliteState::remove_checkpoint(const std::string& id) {
  if (c_.absent()) return false;
  return sqlite_checkpoints::remove(c_.handle(), c_.display_target(), id);
}

bool SqliteState::request_pause(const std::string& id, PauseRequest request) {
  return sqlite_checkpoints::request_pause(c_.handle(), c_.display_target(), id, request);
}

std::string SqliteState::render_ddl() const { return sqlite_state_ddl() + sqlite_checkpoints::ddl(); }

std::string SqliteState::render_record(const StateRow& row, const HistoryEvent& event) const {
  return render_state_sql(row, event, StateSqlDialect::kSqlite, "");
}

std::string SqliteState::render_forget(const std::string& id, const HistoryEvent& event) const {
  return render_forget_sql(id, event, StateSqlDialect::kSqlite, "");
}

bool SqliteState::has_state() {
  if (c_.absent()) return false;
  if (!state_known_) {
    Stmt s(c_.handle(), "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='trellis_migrations'");
    state_known_ = c_.step(s.get(), "reading sqlite_master") == SQLITE_ROW && sqlite3_column_int(s.get(), 0) > 0;
  }
  return state_known_;
}

void SqliteState::prepare_cached(sqlite3_stmt*& s, const std::string& sql) {
  if (s != nullptr) {
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return;
  }
  if (sqlite3_prepare_v2(c_.handle(), sql.c_str(), -1, &s, nullptr) != SQLITE_OK) {
    throw Error(ErrorKind::kState, c_.display_target() + ": " + sqlite3_errmsg(c_.handle()));
  }
}

void SqliteState::run_cached(sqlite3_stmt* s) {
  int rc = sqlite3_step(s);
  sqlite3_reset(s);
  if (rc != SQLITE_DONE) throw c_.sql_error(rc);
}

void SqliteState::bind_row(sqlite3_stmt* s, const StateRow& r) {
  bind_text(s, 1, r.id); bind_text(s, 2, r.feature); bind_text(s, 3, r.checksum); bind_text(s, 4, r.phase);
  bind_text(s, 5, record_status_name(r.status)); bind_text(s, 6, r.started_at); bind_text(s, 7, r.finished_at);
  sqlite3_bind_int64(s, 8, r.duration_ms); bind_text(s, 9, r.error); bind_text(s, 10, r.applied_by);
  bind_text(s, 11, r.tool_version); sqlite3_bind_int(s, 12, r.statements_done);
}

void SqliteState::append(const HistoryEvent& e) {
  prepare_cached(insert_event_, sqlite_history_insert_sql());
  bind_text(insert_event_, 1, e.id); bind_text(insert_event_, 2, e.action); bind_text(insert_event_, 3, e.checksum);
  bind_text(insert_event_, 4, e.at); sqlite3_bind_int64(insert_event_, 5, e.duration_ms);
  bind_text(insert_event_, 6, e.error); bind_text(insert_event_, 7, e.by); bind_text(insert_event_, 8, e.tool_version);
  run_cached(insert_event_);
}

}  // namespace trellis::sqlite
