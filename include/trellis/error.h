// trellis/error.h — the one error type of the library.
//
// Every failure the library reports is a trellis::Error: a kind (which decides the
// process exit status), a message that tells the user what is wrong and what to change,
// and, where known, the place (file:line, or database and statement). Context is added
// once, where it is known. Library code never prints and never exits.
#pragma once

#include <stdexcept>
#include <string>

namespace trellis {

// Exit statuses of the command line (PRODUCT.md §4).
enum class ExitCode : int {
  kOk = 0,
  kFailed = 1,      // a migration failed, or lint/check found errors
  kBadInput = 2,    // bad usage, configuration or migration files; nothing applied
  kUnavailable = 3  // could not get the database or its lock in time
};

enum class ErrorKind {
  kUsage,       // bad command line
  kConfig,      // trellis.toml or environment selection
  kParse,       // a migration file
  kGraph,       // cycles, dangling requires, duplicate numbers
  kPlan,        // a plan that cannot be run as asked (unreleased dependency, edited file)
  kConnection,  // cannot reach the database, or the connection was lost
  kLock,        // runner lock not obtained in time
  kSql,         // a statement failed
  kState,       // trellis' own tables are inconsistent or unreadable
  kIo,          // reading or writing project files
  kInternal
};

ExitCode exit_code_for(ErrorKind kind);

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, std::string message, std::string hint = {})
      : std::runtime_error(std::move(message)), kind_(kind), hint_(std::move(hint)) {}

  ErrorKind kind() const { return kind_; }
  // A suggestion of what to do about it; may be empty.
  const std::string& hint() const { return hint_; }

 private:
  ErrorKind kind_;
  std::string hint_;
};

// A failed SQL statement, as reported by a driver. `sqlstate` is the five-character
// SQLSTATE on PostgreSQL and the extended result code name on SQLite.
class SqlError : public Error {
 public:
  SqlError(std::string message, std::string sqlstate, bool lock_timeout, bool connection_lost)
      : Error(connection_lost ? ErrorKind::kConnection : ErrorKind::kSql, std::move(message)),
        sqlstate_(std::move(sqlstate)),
        lock_timeout_(lock_timeout),
        connection_lost_(connection_lost) {}

  const std::string& sqlstate() const { return sqlstate_; }
  // The statement gave up waiting for a lock (PostgreSQL 55P03, SQLite BUSY/LOCKED):
  // the migration may be retried.
  bool lock_timeout() const { return lock_timeout_; }
  // The server went away: nothing after this can be trusted to have run.
  bool connection_lost() const { return connection_lost_; }

 private:
  std::string sqlstate_;
  bool lock_timeout_;
  bool connection_lost_;
};

}  // namespace trellis
