// trellis/driver.h — the database behind an interface.
//
// A Driver owns one connection. It is not thread-safe. Drivers throw trellis::Error
// (ErrorKind::kConnection for unreachable/lost servers, kLock for a runner lock not
// obtained in time) and trellis::SqlError for failed statements. Only the SQLite driver
// includes sqlite3.h, and only the PostgreSQL driver includes libpq-fe.h.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "trellis/backfill.h"
#include "trellis/duration.h"
#include "trellis/state.h"

namespace trellis {

// What the runner must know of a statement before it runs it (Driver::traits).
enum class TxControl {
  kNone,      // an ordinary statement (SAVEPOINT, RELEASE, ROLLBACK TO are ordinary)
  kBegin,     // BEGIN / START TRANSACTION
  kCommit,    // COMMIT / END / COMMIT AND CHAIN: ends a chunk of a chunked migration
  kRollback,  // ROLLBACK / ABORT (not TO SAVEPOINT): never valid in a migration
  kOther      // PREPARE TRANSACTION, COMMIT PREPARED, …: never valid in a migration
};
struct StatementTraits {
  TxControl control = TxControl::kNone;
  // Cannot run inside a transaction block (CREATE INDEX CONCURRENTLY, VACUUM, …): it runs
  // on its own, and whether an interrupted run of it took effect is judged from the
  // database's state (Driver::before_outside).
  bool outside_transaction = false;
};

// One statement of a section, as split by the database's own parser (SQLite's tokenizer,
// PostgreSQL's parser through libpg_query). `line` is the file line it starts on.
struct Statement {
  std::string sql;
  int index = 0;  // 1-based within the section
  int line = 0;
  StatementTraits traits;  // filled in by the engine's pre-flight (Driver::traits)
};

// What to do with a statement that runs outside a transaction, judged before it runs.
struct OutsideVerdict {
  enum class Action {
    kRun,        // run it (after any cleaning listed in notes)
    kDone,       // an earlier, interrupted run finished it: skip it, record it done
    kCannotTell  // an earlier run may have taken effect and Trellis cannot tell
  };
  Action action = Action::kRun;
  std::vector<std::string> notes;  // what was found or cleaned, for the log
  std::string detail;              // kDone / kCannotTell: what was found, what to check
  std::string instead;             // kRun: this SQL finishes the interrupted statement
};

// A bookkeeping write that must find the migration's row as this runner last saw it:
// no row (expected_done < 0), or a row not recorded as applied whose statements_done is
// expected_done. Anything else means another runner recorded the migration meanwhile:
// the write throws Error(kLock) naming it, and the transaction is left to roll back.
struct RowGuard {
  int expected_done = -1;
  // When set, the row's started_at must also be this: the run that wrote the row as this
  // runner saw it. Two runners resuming the same failed or interrupted row cannot both
  // pass their start write, since the first one's start changes started_at.
  std::string expected_started;
};

struct Timeouts {
  std::optional<Millis> lock_timeout;       // per statement lock wait
  std::optional<Millis> statement_timeout;  // 0 = none
};

// Called while a runner waits for the lock: who holds it, and how long this one waited.
using LockWaitReport = std::function<void(const std::string& holder, Millis waited)>;

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
  // connection dies (PostgreSQL through a pooler: when its lease expires). `on_wait`, if
  // set, is called when the lock is first found held (with the holder) and every few
  // seconds after, while waiting.
  virtual void acquire_lock(Millis wait, const LockWaitReport& on_wait) = 0;
  void acquire_lock(Millis wait) { acquire_lock(wait, LockWaitReport{}); }
  virtual void release_lock() = 0;
  // How this runner holds the lock, for the log ("advisory lock", "lease (…)").
  virtual std::string lock_description() const = 0;
  // A line for status when the connection is not what it seems (PostgreSQL: a pooler or
  // proxy in between); "" otherwise.
  virtual std::string connection_note() { return ""; }

  // --- transactions ---------------------------------------------------------------------
  // BEGIN plus transaction-local timeouts, in one round trip where the database allows.
  virtual void begin(const Timeouts& timeouts) = 0;
  virtual void commit() = 0;
  virtual void rollback() = 0;  // never throws; a lost connection is remembered
  // Session-level timeouts, for statements run outside a transaction. Returns false when
  // the connection cannot hold a session setting for one statement (a transaction pooler
  // in between): the statement then runs without them.
  virtual bool set_session_timeouts(const Timeouts& timeouts) = 0;

  // --- statements -----------------------------------------------------------------------
  // Splits a section into statements with the database's own parser. Throws
  // Error(kParse) with the line when the text cannot be split.
  virtual std::vector<Statement> split(std::string_view sql, int first_line) = 0;
  // Whether a statement controls transactions or must run outside one (parsed with the
  // database's own parser where the text may matter).
  virtual StatementTraits traits(const Statement& statement) = 0;
  // Runs one statement; returns the number of rows it changed (0 for DDL).
  virtual std::int64_t execute(const Statement& statement) = 0;
  // Runs one query and returns the first column of the first row, or nullopt if no row.
  virtual std::optional<std::string> query_scalar(const std::string& sql) = 0;

  // --- statements that run outside a transaction -------------------------------------------
  // Before such a statement runs. `may_have_run`: an earlier attempt of it was interrupted
  // or failed, so it may have taken effect. Judges from the database's state whether it
  // did (an index that exists, is valid and has the statement's definition is done),
  // removes what a failed attempt left (an INVALID index no live session is building).
  virtual OutsideVerdict before_outside(const Statement& statement, bool may_have_run) = 0;
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
  // record() that only writes when the row is as `guard` expects (see RowGuard); what the
  // runner uses for every step of a migration, so that two runners can never both record
  // (and so commit) the same step, lock or no lock.
  virtual void record_guarded(const StateRow& row, const HistoryEvent& event, RowGuard guard) = 0;
  // record_guarded() then commit(), in one round trip where the database allows.
  virtual void record_guarded_and_commit(const StateRow& row, const HistoryEvent& event, RowGuard guard);

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

// How a driver is opened, beyond its URL.
struct DriverOptions {
  std::string state_schema;          // PostgreSQL schema of trellis' tables ("" = trellis)
  std::string runner_lock = "auto";  // Settings::runner_lock
  Millis lease_ttl{20000};           // Settings::lease_ttl
};

// Opens a driver for a URL: "sqlite:PATH", "sqlite::memory:", "postgres://…",
// "postgresql://…" or a libpq key-value string ("host=… dbname=…").
std::unique_ptr<Driver> open_driver(const std::string& url, OpenMode mode,
                                    const DriverOptions& options);
std::unique_ptr<Driver> open_driver(const std::string& url, OpenMode mode,
                                    const std::string& state_schema);

// Whether opening `url` for writing would create the database (a SQLite file that does
// not exist yet, or sqlite::memory:): work that must not create anything then waits.
bool opening_creates(const std::string& url);

// The URL with any password replaced by "***", for messages.
std::string mask_url(const std::string& url);

}  // namespace trellis
