// trellis/driver.h — the database behind an interface.
//
// A Driver owns one connection. It is not thread-safe. Drivers throw trellis::Error
// (ErrorKind::kConnection for unreachable/lost servers, kLock for a runner lock not
// obtained in time) and trellis::SqlError for failed statements. Only the SQLite driver
// includes sqlite3.h, and only the PostgreSQL driver includes libpq-fe.h.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "trellis/backfill.h"
#include "trellis/duration.h"
#include "trellis/state.h"

namespace trellis {

// One statement of a section, as split by the database's own parser (SQLite's tokenizer,
// PostgreSQL's parser through libpg_query). `line` is the file line it starts on.
struct Statement {
  std::string sql;
  int index = 0;  // 1-based within the section
  int line = 0;
};

struct Timeouts {
  std::optional<Millis> lock_timeout;       // per statement lock wait
  std::optional<Millis> statement_timeout;  // 0 = none
};

enum class OpenMode {
  kReadOnly,   // reading commands: never create files, schemas or tables, never lock
  kReadWrite
};

class Driver {
 public:
  virtual ~Driver() = default;

  virtual std::string_view dialect() const = 0;  // "sqlite" or "postgres"
  // The target for messages, password masked ("postgres://app:***@db:5432/shop").
  virtual std::string display_target() const = 0;

  // --- trellis' own tables --------------------------------------------------------------
  // Creates the state tables if missing. Idempotent and safe under concurrency.
  virtual void ensure_state() = 0;
  // Rows of trellis_migrations; empty when the tables do not exist yet.
  virtual std::vector<StateRow> load_state() = 0;
  // trellis_history, oldest first; empty when the tables do not exist yet.
  virtual std::vector<HistoryEvent> load_history() = 0;

  // --- one runner at a time ------------------------------------------------------------
  // Waits up to `wait` for the runner lock; throws Error(kLock) naming the holder if
  // known. Released by release_lock(), and by construction when the process or the
  // connection dies.
  virtual void acquire_lock(Millis wait) = 0;
  virtual void release_lock() = 0;

  // --- transactions ---------------------------------------------------------------------
  // BEGIN plus transaction-local timeouts, in one round trip where the database allows.
  virtual void begin(const Timeouts& timeouts) = 0;
  virtual void commit() = 0;
  virtual void rollback() = 0;  // never throws; a lost connection is remembered
  // Session-level timeouts, for statements run outside a transaction.
  virtual void set_session_timeouts(const Timeouts& timeouts) = 0;

  // --- statements -----------------------------------------------------------------------
  // Splits a section into statements with the database's own parser. Throws
  // Error(kParse) with the line when the text cannot be split.
  virtual std::vector<Statement> split(std::string_view sql, int first_line) = 0;
  // Runs one statement; returns the number of rows it changed (0 for DDL).
  virtual std::int64_t execute(const Statement& statement) = 0;
  // Runs one query and returns the first column of the first row, or nullopt if no row.
  virtual std::optional<std::string> query_scalar(const std::string& sql) = 0;

  // --- leftovers of interrupted non-transactional statements --------------------------------
  // Before a statement of a non-transactional section runs again (a retry, or resuming an
  // interrupted run): detects and removes what an earlier attempt of that statement left
  // behind (an INVALID index of CREATE INDEX CONCURRENTLY). Returns a line per thing
  // cleaned, for the log.
  virtual std::vector<std::string> clean_leftovers(const Statement& statement) = 0;
  // Leftovers visible now (e.g. INVALID indexes), for status.
  virtual std::vector<std::string> find_leftovers() = 0;

  // --- bookkeeping (inside the current transaction if one is open) -----------------------
  // Upserts the row of trellis_migrations and appends `event` to trellis_history (unless
  // event.action is empty: a progress update only).
  virtual void record(const StateRow& row, const HistoryEvent& event) = 0;
  // Deletes the row of `id` from trellis_migrations and appends `event`.
  virtual void forget(const std::string& id, const HistoryEvent& event) = 0;
  // record() then commit(). A driver may send both in one round trip (PostgreSQL does).
  virtual void record_and_commit(const StateRow& row, const HistoryEvent& event);

  // --- batched backfills (trellis/backfill.h) ----------------------------------------------
  // The defaults throw Error(kInternal): a driver that does not implement them cannot run
  // backfill migrations that declare `-- batch:`.
  // Runs one statement with the named parameters (:lo, :hi, :size) bound; returns the rows
  // it changed. A parameter the statement uses but `params` lacks is an error.
  virtual std::int64_t execute_with(const Statement& statement, const std::vector<BoundParam>& params);
  // Upserts the checkpoint of `c.id` (inside the current transaction if one is open). On an
  // existing row, pause_requested is left as it is: only request_pause() changes it.
  virtual void save_checkpoint(const BackfillCheckpoint& c);
  // Every checkpoint row, by id; empty when the table does not exist yet.
  virtual std::vector<BackfillCheckpoint> load_checkpoints();
  // Sets (kPause) or clears (kResume) pause_requested of `id`, in its own transaction;
  // on kResume a 'paused' status becomes 'running'. False if `id` has no checkpoint.
  virtual bool request_pause(const std::string& id, PauseRequest request);

  // --- offline SQL (apply --sql) ----------------------------------------------------------
  // The statements, as text an operator could run by hand, that begin() / record() /
  // commit() would send.
  virtual std::string render_state_ddl() const = 0;  // creates trellis' tables if missing
  virtual std::string render_begin(const Timeouts& timeouts) const = 0;
  virtual std::string render_record(const StateRow& row, const HistoryEvent& event) const = 0;
  virtual std::string render_forget(const std::string& id, const HistoryEvent& event) const = 0;
  virtual std::string render_commit() const = 0;
};

// Opens a driver for a URL: "sqlite:PATH", "sqlite::memory:", "postgres://…",
// "postgresql://…" or a libpq key-value string ("host=… dbname=…").
std::unique_ptr<Driver> open_driver(const std::string& url, OpenMode mode,
                                    const std::string& state_schema);

// The URL with any password replaced by "***", for messages.
std::string mask_url(const std::string& url);

}  // namespace trellis
