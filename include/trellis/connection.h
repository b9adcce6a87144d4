// trellis/connection.h — the Connection seam: one session with a database that runs
// statements, queries that return rows, and transactions. Not thread-safe. Throws
// trellis::SqlError for a failed statement and Error(kConnection) when the database is
// unreachable or the connection is lost.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "trellis/duration.h"
#include "trellis/statement.h"

namespace trellis {

struct Timeouts {
  std::optional<Millis> lock_timeout;       // per statement lock wait
  std::optional<Millis> statement_timeout;  // 0 = none
};

// A value bound to a named parameter (`:lo`, `:hi`, `:size`) of a backfill body.
struct BoundParam {
  std::string name;   // without the colon
  std::string value;
  bool integer = false;  // bind as a 64-bit integer, else as text
};

// What a query returned, every value as text (NULL as nullopt), in the database's own
// text format.
struct Rows {
  std::vector<std::string> columns;
  std::vector<std::vector<std::optional<std::string>>> rows;

  bool empty() const { return rows.empty(); }
  std::size_t size() const { return rows.size(); }
  // The value at (row, column); nullopt for NULL or out of range.
  std::optional<std::string> at(std::size_t row, std::size_t column) const;
};

class Connection {
 public:
  virtual ~Connection() = default;

  // The target for messages, password masked ("postgres://app:***@db:5432/shop").
  virtual std::string display_target() const = 0;
  // A line for status when the connection is not what it seems (PostgreSQL: a pooler or
  // proxy in between); "" otherwise.
  virtual std::string note() { return ""; }

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
  // Runs one statement; returns the number of rows it changed (0 for DDL).
  virtual std::int64_t execute(const Statement& statement) = 0;
  // Runs one statement with the named parameters (:lo, :hi, :size) bound; returns the rows
  // it changed. A parameter the statement uses but `params` lacks is an error.
  virtual std::int64_t execute_with(const Statement& statement, const std::vector<BoundParam>& params) = 0;
  // Runs one query and returns all its rows.
  virtual Rows query(const std::string& sql) = 0;
  // The first column of the first row of `sql`, or nullopt when there is no row or it is NULL.
  std::optional<std::string> query_scalar(const std::string& sql);
};

}  // namespace trellis
