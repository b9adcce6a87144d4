// sqlite_connection.h — the SQLite backend's Connection: one sqlite3 handle on the file,
// statements, queries, transactions and statement timeouts (a progress handler). The other
// parts of the backend (state, lock, dialect) reach the handle through it.
#pragma once

#include <chrono>
#include <string>

#include "trellis/driver.h"
#include "trellis/error.h"

struct sqlite3;
struct sqlite3_stmt;

namespace trellis::sqlite {

class SqliteConnection final : public Connection {
 public:
  SqliteConnection(std::string path, OpenMode mode);
  ~SqliteConnection() override;
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  std::string display_target() const override { return "sqlite:" + path_; }

  void begin(const Timeouts& t) override;
  void commit() override { exec_plain("COMMIT"); }
  void rollback() override;
  bool set_session_timeouts(const Timeouts& t) override;

  std::int64_t execute(const Statement& st) override { return execute_with(st, {}); }
  std::int64_t execute_with(const Statement& st, const std::vector<BoundParam>& params) override;
  Rows query(const std::string& sql) override;

  // For the other parts of the backend.
  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }
  OpenMode mode() const { return mode_; }
  bool absent() const { return absent_; }  // read-only open of a file that does not exist
  bool memory() const { return path_ == ":memory:"; }
  // Runs `sql` (any number of statements, no rows); SqlError naming the database.
  void exec_plain(const std::string& sql);
  // sqlite3_step(), with a failure as Error(kState) "<target>: <what>: <message>" (or the
  // file's own fault, see sqlite_file.h).
  int step(sqlite3_stmt* s, const char* what);
  SqlError sql_error(int rc) const;

 private:
  static int on_progress(void* self);
  void bind_params(sqlite3_stmt* s, const std::vector<BoundParam>& params) const;

  using Clock = std::chrono::steady_clock;
  std::string path_;
  OpenMode mode_;
  sqlite3* db_ = nullptr;
  bool absent_ = false;
  Millis statement_limit_{0};
  Clock::time_point deadline_ = Clock::time_point::max();
  bool timed_out_ = false;
};

// A prepared statement that finalizes itself.
class Stmt {
 public:
  explicit Stmt(sqlite3_stmt* s) : s_(s) {}
  Stmt(sqlite3* db, const std::string& sql);
  ~Stmt();
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  sqlite3_stmt* get() const { return s_; }

 private:
  sqlite3_stmt* s_ = nullptr;
};

// Column `col` of the current row as text ("" for NULL).
std::string column_text(sqlite3_stmt* s, int col);

}  // namespace trellis::sqlite
