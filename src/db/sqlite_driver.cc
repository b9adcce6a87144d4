// The embedded default database. The only file that includes sqlite3.h.
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>

#include "db/drivers.h"
#include "db/sqlite_checkpoints.h"
#include "db/sqlite_file.h"
#include "sql/sql_text.h"
#include "sql/sqlite_traits.h"
#include "db/state_sql.h"
#include "trellis/error.h"
#include "util/text.h"

namespace trellis {
namespace {

using Clock = std::chrono::steady_clock;

class SqliteDriver final : public Driver {
 public:
  SqliteDriver(std::string path, OpenMode mode) : path_(std::move(path)), mode_(mode) { open(); }
  ~SqliteDriver() override {
    release_lock();
    for (auto* s : {insert_row_, guarded_row_, insert_event_, delete_row_}) sqlite3_finalize(s);
    if (db_ != nullptr) sqlite3_close_v2(db_);
  }

  std::string_view dialect() const override { return "sqlite"; }
  std::string display_target() const override { return "sqlite:" + path_; }

  void ensure_state() override {
    exec_plain(sqlite_state_ddl());
    exec_plain(sqlite_checkpoints::ddl());
  }

  std::vector<StateRow> load_state() override {
    std::vector<StateRow> rows;
    if (!has_state()) return rows;
    {  // sized once: a row is a dozen strings, and growing would move them all
      Stmt count(db_, "SELECT count(*) FROM trellis_migrations");
      if (step(count.get(), "reading trellis_migrations") == SQLITE_ROW) {
        rows.reserve(static_cast<std::size_t>(sqlite3_column_int64(count.get(), 0)));
      }
    }
    Stmt s(db_, "SELECT id, feature, checksum, phase, status, started_at, COALESCE(finished_at,''), "
                "duration_ms, COALESCE(error,''), COALESCE(applied_by,''), COALESCE(tool_version,''), "
                "statements_done FROM trellis_migrations");
    while (step(s.get(), "reading trellis_migrations") == SQLITE_ROW) {
      StateRow r;
      r.id = text(s.get(), 0); r.feature = text(s.get(), 1); r.checksum = text(s.get(), 2);
      r.phase = text(s.get(), 3);
      if (!parse_record_status(text(s.get(), 4), &r.status)) {
        throw Error(ErrorKind::kState, display_target() + ": trellis_migrations has an unknown status '" +
                                           text(s.get(), 4) + "' for " + r.id);
      }
      r.started_at = text(s.get(), 5); r.finished_at = text(s.get(), 6);
      r.duration_ms = sqlite3_column_int64(s.get(), 7); r.error = text(s.get(), 8);
      r.applied_by = text(s.get(), 9); r.tool_version = text(s.get(), 10);
      r.statements_done = sqlite3_column_int(s.get(), 11);
      rows.push_back(std::move(r));
    }
    return rows;
  }

  std::vector<HistoryEvent> load_history() override {
    std::vector<HistoryEvent> out;
    if (!has_state()) return out;
    Stmt s(db_, "SELECT seq, id, action, COALESCE(checksum,''), at, duration_ms, COALESCE(error,''), "
                "COALESCE(by,''), COALESCE(tool_version,'') FROM trellis_history ORDER BY seq");
    while (step(s.get(), "reading trellis_history") == SQLITE_ROW) {
      HistoryEvent e;
      e.seq = sqlite3_column_int64(s.get(), 0); e.id = text(s.get(), 1); e.action = text(s.get(), 2);
      e.checksum = text(s.get(), 3); e.at = text(s.get(), 4); e.duration_ms = sqlite3_column_int64(s.get(), 5);
      e.error = text(s.get(), 6); e.by = text(s.get(), 7); e.tool_version = text(s.get(), 8);
      out.push_back(std::move(e));
    }
    return out;
  }

  // One runner at a time: an exclusive flock() on the database file itself. SQLite uses
  // POSIX record locks, which are independent of flock() on Linux, so the two never
  // interfere; the kernel drops ours when the process dies.
  void acquire_lock(Millis wait, const LockWaitReport& on_wait) override {
    if (memory() || lock_fd_ >= 0) return;
    const auto start = Clock::now();
    auto next_report = start;
    lock_fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (lock_fd_ < 0) throw Error(ErrorKind::kConnection, display_target() + ": cannot open for locking");
    auto deadline = Clock::now() + wait;
    while (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
      if (Clock::now() >= deadline) {
        ::close(lock_fd_);
        lock_fd_ = -1;
        throw Error(ErrorKind::kLock,
                    display_target() + ": another trellis run holds the migration lock (waited " +
                        format_duration(wait) + ")",
                    "wait for it to finish, or raise the wait with --lock-wait");
      }
      if (on_wait && Clock::now() >= next_report) {
        on_wait("another trellis process (flock on " + path_ + ")",
                std::chrono::duration_cast<Millis>(Clock::now() - start));
        next_report = Clock::now() + std::chrono::seconds(5);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }

  void release_lock() override {
    if (lock_fd_ < 0) return;
    ::flock(lock_fd_, LOCK_UN);
    ::close(lock_fd_);
    lock_fd_ = -1;
  }

  void begin(const Timeouts& t) override {
    set_session_timeouts(t);
    exec_plain("BEGIN IMMEDIATE");
  }
  void commit() override { exec_plain("COMMIT"); }
  void rollback() override {
    if (sqlite3_get_autocommit(db_) == 0) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }

  bool set_session_timeouts(const Timeouts& t) override {
    Millis lock = t.lock_timeout.value_or(Millis{5000});
    sqlite3_busy_timeout(db_, static_cast<int>(lock.count()));
    statement_limit_ = t.statement_timeout.value_or(Millis{0});
    return true;
  }
  std::string lock_description() const override { return "file lock"; }
  StatementTraits traits(const Statement& st) override { return sqlite_traits(st.sql); }

  std::vector<Statement> split(std::string_view sql, int first_line) override;

  std::int64_t execute(const Statement& st) override { return execute_with(st, {}); }

  std::int64_t execute_with(const Statement& st, const std::vector<BoundParam>& params) override {
    deadline_ = statement_limit_.count() > 0 ? Clock::now() + statement_limit_ : Clock::time_point::max();
    timed_out_ = false;
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

  void save_checkpoint(const BackfillCheckpoint& c) override {
    sqlite_checkpoints::save(db_, display_target(), c);
  }
  std::vector<BackfillCheckpoint> load_checkpoints() override {
    if (absent_) return {};
    return sqlite_checkpoints::load(db_, display_target());
  }
  bool request_pause(const std::string& id, PauseRequest request) override {
    return sqlite_checkpoints::request_pause(db_, display_target(), id, request);
  }

  std::optional<std::string> query_scalar(const std::string& sql) override {
    Stmt s(db_, sql);
    int rc = sqlite3_step(s.get());
    if (rc == SQLITE_ROW) return text(s.get(), 0);
    if (rc != SQLITE_DONE) throw sql_error(rc);
    return std::nullopt;
  }

  // VACUUM and PRAGMA (what SQLite cannot run, or ignores, in a transaction) are harmless
  // to repeat.
  OutsideVerdict before_outside(const Statement&, bool) override { return {}; }
  std::vector<std::string> find_leftovers() override { return {}; }

  void record(const StateRow& row, const HistoryEvent& event) override {
    prepare_cached(insert_row_, sqlite_sql::kUpsertRow);
    bind_row(insert_row_, row);
    run_cached(insert_row_);
    if (!event.action.empty()) append(event);
  }

  void record_guarded(const StateRow& row, const HistoryEvent& event, RowGuard guard) override {
    prepare_cached(guarded_row_, sqlite_sql::kGuardedRow);
    bind_row(guarded_row_, row);
    sqlite3_bind_int(guarded_row_, 13, guard.expected_done);
    bind(guarded_row_, 14, guard.expected_started);
    run_cached(guarded_row_);
    if (sqlite3_changes(db_) != 1) {
      rollback();
      throw Error(ErrorKind::kLock,
                  "migration " + row.id + " was recorded by another runner while this one was "
                  "running it; this runner's uncommitted work on it was rolled back",
                  "two runners worked on " + display_target() + " at once; is another "
                  "process writing trellis_migrations without trellis' lock?");
    }
    if (!event.action.empty()) append(event);
  }

  void forget(const std::string& id, const HistoryEvent& event) override {
    prepare_cached(delete_row_, "DELETE FROM trellis_migrations WHERE id = ?1");
    sqlite3_bind_text(delete_row_, 1, id.c_str(), -1, SQLITE_TRANSIENT);
    run_cached(delete_row_);
    append(event);
  }

  std::string render_state_ddl() const override { return sqlite_state_ddl() + sqlite_checkpoints::ddl(); }
  std::string render_begin(const Timeouts&) const override { return "BEGIN IMMEDIATE;\n"; }
  std::string render_forget(const std::string& id, const HistoryEvent& event) const override {
    return render_forget_sql(id, event, StateSqlDialect::kSqlite, "");
  }
  std::string render_record(const StateRow& row, const HistoryEvent& event) const override {
    return render_state_sql(row, event, StateSqlDialect::kSqlite, "");
  }
  std::string render_commit() const override { return "COMMIT;\n"; }

 private:
  class Stmt {
   public:
    explicit Stmt(sqlite3_stmt* s) : s_(s) {}
    Stmt(sqlite3* db, const std::string& sql) {
      if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s_, nullptr) != SQLITE_OK) {
        if (db != nullptr) {  // null: reading a database that does not exist
          sqlite_file::throw_if_file_fault(db, sqlite3_extended_errcode(db), sqlite3_db_filename(db, "main"));
        }
        throw SqlError(sqlite3_errmsg(db), "SQLITE_ERROR", false, false);
      }
    }
    ~Stmt() { sqlite3_finalize(s_); }
    Stmt(const Stmt&) = delete;
    Stmt& operator=(const Stmt&) = delete;
    sqlite3_stmt* get() const { return s_; }

   private:
    sqlite3_stmt* s_ = nullptr;
  };

  bool memory() const { return path_ == ":memory:"; }

  // Binds `:name` parameters; a name the statement uses that `params` lacks is an error.
  void bind_params(sqlite3_stmt* s, const std::vector<BoundParam>& params) const {
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

  void open() {
    db_ = sqlite_file::open(path_, mode_);
    if (db_ == nullptr) {
      absent_ = true;  // reading a database that does not exist yet: no state, nothing applied
      return;
    }
    sqlite3_progress_handler(db_, 10000, &SqliteDriver::on_progress, this);
  }

  static int on_progress(void* self) {
    auto* d = static_cast<SqliteDriver*>(self);
    if (Clock::now() < d->deadline_) return 0;
    d->timed_out_ = true;
    return 1;
  }

  bool has_state() {
    if (absent_) return false;
    if (!state_known_) {
      Stmt s(db_, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='trellis_migrations'");
      has_state_ = step(s.get(), "reading sqlite_master") == SQLITE_ROW && sqlite3_column_int(s.get(), 0) > 0;
      state_known_ = has_state_;
    }
    return has_state_;
  }

  int step(sqlite3_stmt* s, const char* what) {
    int rc = sqlite3_step(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
      sqlite_file::throw_if_file_fault(db_, rc, path_);
      throw Error(ErrorKind::kState, display_target() + ": " + what + ": " + sqlite3_errmsg(db_));
    }
    return rc;
  }

  static std::string text(sqlite3_stmt* s, int col) {
    const unsigned char* t = sqlite3_column_text(s, col);
    return t == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(t));
  }

  SqlError sql_error(int rc) const {
    bool busy = (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED;
    std::string msg = sqlite3_errmsg(db_);
    if ((rc & 0xff) == SQLITE_INTERRUPT && timed_out_) {
      msg = "canceling statement due to statement timeout (" + format_duration(statement_limit_) + ")";
    }
    return SqlError(msg, sqlite3_errstr(rc), busy, false);
  }

  void exec_plain(const std::string& sql) {
    char* err = nullptr;
    int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
      std::string msg = err != nullptr ? err : sqlite3_errstr(rc);
      sqlite3_free(err);
      bool busy = (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED;
      throw SqlError(display_target() + ": " + msg, sqlite3_errstr(rc), busy, false);
    }
  }

  void prepare_cached(sqlite3_stmt*& s, const char* sql) {
    if (s != nullptr) {
      sqlite3_reset(s);
      sqlite3_clear_bindings(s);
      return;
    }
    if (sqlite3_prepare_v2(db_, sql, -1, &s, nullptr) != SQLITE_OK) {
      throw Error(ErrorKind::kState, display_target() + ": " + sqlite3_errmsg(db_));
    }
  }

  void run_cached(sqlite3_stmt* s) {
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) throw sql_error(rc);
  }

  static void bind(sqlite3_stmt* s, int i, const std::string& v) {
    sqlite3_bind_text(s, i, v.c_str(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }

  void bind_row(sqlite3_stmt* s, const StateRow& r) {
    bind(s, 1, r.id); bind(s, 2, r.feature); bind(s, 3, r.checksum); bind(s, 4, r.phase);
    bind(s, 5, record_status_name(r.status)); bind(s, 6, r.started_at); bind(s, 7, r.finished_at);
    sqlite3_bind_int64(s, 8, r.duration_ms); bind(s, 9, r.error); bind(s, 10, r.applied_by);
    bind(s, 11, r.tool_version); sqlite3_bind_int(s, 12, r.statements_done);
  }

  void append(const HistoryEvent& e) {
    prepare_cached(insert_event_, sqlite_sql::kInsertEvent);
    bind(insert_event_, 1, e.id); bind(insert_event_, 2, e.action); bind(insert_event_, 3, e.checksum);
    bind(insert_event_, 4, e.at); sqlite3_bind_int64(insert_event_, 5, e.duration_ms);
    bind(insert_event_, 6, e.error); bind(insert_event_, 7, e.by); bind(insert_event_, 8, e.tool_version);
    run_cached(insert_event_);
  }

  std::string path_;
  OpenMode mode_;
  sqlite3* db_ = nullptr;
  bool absent_ = false;
  bool state_known_ = false, has_state_ = false;
  int lock_fd_ = -1;
  Millis statement_limit_{0};
  Clock::time_point deadline_ = Clock::time_point::max();
  bool timed_out_ = false;
  sqlite3_stmt* insert_row_ = nullptr;
  sqlite3_stmt* guarded_row_ = nullptr;
  sqlite3_stmt* insert_event_ = nullptr;
  sqlite3_stmt* delete_row_ = nullptr;
};

// Splits with SQLite's own tokenizer: sqlite3_complete() says whether text up to a ';'
// is one or more complete statements (it knows strings, comments and trigger bodies).
std::vector<Statement> SqliteDriver::split(std::string_view sql, int first_line) {
  std::vector<Statement> out;
  std::size_t start = 0;
  std::string buf;
  auto emit = [&](std::size_t end) {
    std::string_view text = sql.substr(start, end - start);
    std::size_t lead = skip_sql_trivia(text);
    if (lead < text.size()) {
      out.push_back(Statement{std::string(text), static_cast<int>(out.size()) + 1,
                              line_at(sql, start + lead, first_line), StatementTraits{}});
    }
    start = end;
  };
  for (std::size_t pos = sql.find(';'); pos != std::string_view::npos; pos = sql.find(';', pos + 1)) {
    buf.assign(sql.substr(start, pos + 1 - start));
    if (sqlite3_complete(buf.c_str())) emit(pos + 1);
  }
  emit(sql.size());
  return out;
}

}  // namespace

std::unique_ptr<Driver> make_sqlite_driver(const std::string& path, OpenMode mode) {
  return std::make_unique<SqliteDriver>(path, mode);
}

}  // namespace trellis
