// trellis/dialect.h — the SqlDialect seam: what a database's SQL means to the runner.
// Splitting a section with the database's own parser, the traits of a statement, the
// offline text of transaction control, and what an interrupted statement that ran outside
// a transaction left behind (judged on the connection the dialect belongs to).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "trellis/connection.h"
#include "trellis/schema.h"
#include "trellis/statement.h"

namespace trellis {

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

class SqlDialect {
 public:
  virtual ~SqlDialect() = default;

  virtual std::string_view name() const = 0;  // "sqlite", "postgres": for messages only

  // Splits a section into statements with the database's own parser. Throws
  // Error(kParse) with the line when the text cannot be split.
  virtual std::vector<Statement> split(std::string_view sql, int first_line) = 0;
  // Whether a statement controls transactions or must run outside one.
  virtual StatementTraits traits(const Statement& statement) = 0;

  // Before a statement that runs outside a transaction. `may_have_run`: an earlier attempt
  // of it was interrupted or failed, so it may have taken effect. Judges from the
  // database's state whether it did (an index that exists, is valid and has the
  // statement's definition is done), removes what a failed attempt left (an INVALID index
  // no live session is building).
  virtual OutsideVerdict before_outside(const Statement& statement, bool may_have_run) = 0;
  // Leftovers visible now (e.g. INVALID indexes), for status.
  virtual std::vector<std::string> find_leftovers() = 0;

  // Offline SQL: the text that Connection::begin() / commit() send.
  virtual std::string render_begin(const Timeouts& timeouts) const = 0;
  virtual std::string render_commit() const = 0;
  // Offline SQL of a `transaction: false` section: its timeouts for the session before its
  // statements, and their reset after them ("" where the database has none).
  virtual std::string render_session_timeouts(const Timeouts& timeouts) const {
    (void)timeouts;
    return "";
  }
  virtual std::string render_session_reset(const Timeouts& timeouts) const {
    (void)timeouts;
    return "";
  }
};

// A streaming replica as the primary reports it (Catalog::replicas).
struct ReplicaPosition {
  std::string name;                         // application_name, and its address
  std::optional<std::int64_t> bytes_behind; // WAL not yet replayed; nullopt: not reported
  std::string replay_lag;                   // the server's replay_lag ("" when unknown)
  std::optional<double> lag_seconds;        // the same in seconds (nullopt when unknown)
  std::optional<std::uint64_t> replay_lsn;  // where its replay is, as a byte position
};

// The Catalog seam: what the database says about its own objects.
class Catalog {
 public:
  virtual ~Catalog() = default;
  // The primary's current WAL position (everything committed so far is before it); ""
  // where the database has no replication (SQLite).
  virtual std::string wal_position() { return ""; }
  // Each replica connected to this server, with how far behind `position` its replay is
  // (<= 0: it has replayed up to it).
  virtual std::vector<ReplicaPosition> replicas(const std::string& position) {
    (void)position;
    return {};
  }
  // Queries of other sessions running now on this database (the backfill's load signal);
  // nullopt where the database has no such notion (SQLite); -1 where it has, but this
  // role may not see other roles' sessions (PostgreSQL without pg_read_all_stats).
  virtual std::optional<int> active_queries() { return std::nullopt; }
  // The planner's estimate of a table's rows; nullopt when the database keeps none
  // (SQLite) or the table was never analysed.
  virtual std::optional<std::int64_t> estimated_rows(const std::string& table) = 0;
  // The schema model of the database (trellis/schema.h), normalized, read from the
  // catalog: every object but trellis' own state tables (and their schema). Throws
  // Error(kState) naming an object the reader cannot read.
  virtual SchemaModel read_schema() = 0;
  // The server's major version (PostgreSQL 15.4 -> 15, 9.6 -> 9), for the lint rules whose
  // answer depends on it; nullopt where no rule does (SQLite).
  virtual std::optional<int> server_major_version() { return std::nullopt; }
};

}  // namespace trellis
