// The SQLite backend's Connection. With the other sqlite_*.cc files, the only includers
// of sqlite3.h.
#include "db/sqlite_connection.h"

#include <sqlite3.h>

#include <algorithm>

#include "db/sqlite_file.h"
#include "util/text.h"

namespace trellis::sqlite {

Stmt::Stmt(sqlite3* db, const std::string& sql) {
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s_, nullptr) != SQLITE_OK) {
    if (db != nullptr) {  // null: reading a database that does not exist
      sqlite_file::throw_if_file_fault(db, sqlite3_extended_errcode(db), sqlite3_db_filename(db, "main"));
    }
    throw SqlError(sqlite3_errmsg(db), "SQLITE_ERROR", false, false);
  }
}

Stmt::~Stmt() { sqlite3_finalize(s_); }

std::string column_text(sqlite3_stmt* s, int col) {
  const unsigned char* t = sqlite3_column_text(s, col);
  return t == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(t));
}

SqliteConnection::SqliteConnection(std::string path, OpenMode mode) : path_(std::move(path)), mode_(mode) {
  db_ = sqlite_file::open(path_, mode_);
  if (db_ == nullptr) {
    absent_ = true;  // reading a database that does not exist yet: no state, nothing applied
    return;
  }
  sqlite3_progress_handler(db_, 10000, &SqliteConnection::on_progress, this);
}

SqliteConnection::~SqliteConnection() {
  if (db_ != nullptr) sqlite3_close_v2(db_);
}

void SqliteConnection::begin(const Timeouts& t) {
  set_session_timeouts(t);
  exec_plain("BEGIN IMMEDIATE");
}

void SqliteConnection::rollback() {
  if (db_ != nullptr && sqlite3_get_autocommit(db_) == 0) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

bool SqliteConnection::set_session_timeouts(const Timeouts& t) {
  Millis lock = t.lock_timeout.value_or(Millis{5000});
  sqlite3_busy_timeout(db_, static_cast<int>(lock.count()));
  statement_limit_ = t.statement_timeout.value_or(Millis{0});
  return true;
}

std::int64_t SqliteConnection::execute_with(const Statement& st, const std::vector<BoundParam>& params) {
  deadline_ = statement_limit_.count() > 0 ? Clock::now() + statement_limit_ : Clock::time_point::max();
  timed_out_ = false;
  struct Disarm {  // the timeout is this statement's, not a later query's
    Clock::time_point& deadline;
    ~Disarm() { deadline = Clock::time_point::max(); }
  } disarm{deadline_};
  const char* tail = st.sql.c_str();
  std::int64_t changed = 0;
  while (*tail != '\0') {
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v2(db_, tail, -1, &raw, &tail);
    if (rc != SQLITE_OK) throw sql_error(rc);
    if (raw == nullptr) break;  // only whitespace or comments left
    Stmt s(raw);
    if (!params.empty()) bind_params(raw, params);
    while ((rc = sqlite3_step(raw)) == SQLITE_ROW) {
    }
    if (rc != SQLITE_DONE) throw sql_error(rc);
    changed += sqlite3_changes64(db_);
  }
  return changed;
}

Rows SqliteConnection::query(const std::string& sql) {
  Rows out;
  if (absent_) return out;
  Stmt s(db_, sql);
  int columns = sqlite3_column_count(s.get());
  for (int c = 0; c < columns; ++c) out.columns.emplace_back(sqlite3_column_name(s.get(), c));
  int rc;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
    auto& row = out.rows.emplace_back();
    for (int c = 0; c < columns; ++c) {
      if (sqlite3_column_type(s.get(), c) == SQLITE_NULL) row.emplace_back(std::nullopt);
      else row.emplace_back(column_text(s.get(), c));
    }
  }
  if (rc != SQLITE_DONE) throw sql_error(rc);
  return out;
}

// Binds `:name` parameters; a name the statement uses that `params` lacks is an error.
void SqliteConnection::bind_params(sqlite3_stmt* s, const std::vector<BoundParam>& params) const {
  for (int i = 1; i <= sqlite3_bind_parameter_count(s); ++i) {
    const char* name = sqlite3_bind_parameter_name(s, i);
    std::string wanted = name != nullptr ? std::string(name + 1) : std::string();
    auto it = std::find_if(params.begin(), params.end(), [&](const BoundParam& p) { return p.name == wanted; });
    if (it == params.end()) {
      throw SqlError("unknown parameter " + (name != nullptr ? std::string(name) : "?" + std::to_string(i)) +
                         " (a backfill body may use :lo, :hi and :size)",
                     "SQLITE_RANGE", false, false);
    }
    if (it->integer) sqlite3_bind_int64(s, i, std::stoll(it->value));
    else sqlite3_bind_text(s, i, it->value.c_str(), static_cast<int>(it->value.size()), SQLITE_TRANSIENT);
  }
}

int SqliteConnection::on_progress(void* self) {
  auto* c = static_cast<SqliteConnection*>(self);
  if (Clock::now() < c->deadline_) return 0;
  c->timed_out_ = true;
  return 1;
}

int SqliteConnection::step(sqlite3_stmt* s, const char* what) {
  int rc = sqlite3_step(s);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    sqlite_file::throw_if_file_fault(db_, rc, path_);
    throw Error(ErrorKind::kState, display_target() + ": " + what + ": " + sqlite3_errmsg(db_));
  }
  return rc;
}

SqlError SqliteConnection::sql_error(int rc) const {
  bool busy = (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED;
  std::string msg = sqlite3_errmsg(db_);
  if ((rc & 0xff) == SQLITE_INTERRUPT && timed_out_) {
    msg = "canceling statement due to statement timeout (" + format_duration(statement_limit_) + ")";
  }
  return SqlError(msg, sqlite3_errstr(rc), busy, false);
}

void SqliteConnection::exec_plain(const std::string& sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err != nullptr ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    bool busy = (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED;
    throw SqlError(display_target() + ": " + msg, sqlite3_errstr(rc), busy, false);
  }
}

}  // namespace trellis::sqlite
