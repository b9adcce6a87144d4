// trellis/error.h — the one error type of the library.
//
// Every failure the library reports is a trellis::Error: a kind (which decides the
// process exit status) and one or more Diagnostics (diagnostic.h) that tell the user what
// is wrong, where (file, line, column: as data, not in the text), and what to change.
// Parsers collect every problem of a run and throw once. Context is added once, where it
// is known. Library code never prints and never exits.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "trellis/diagnostic.h"

namespace trellis {

// Exit statuses of the command line (README.md, "Commands").
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
  // One diagnostic without a place: `message`, with `hint`.
  Error(ErrorKind kind, std::string message, std::string hint = {});
  // Every problem of a run; `hint` is about all of them (each diagnostic may have its own).
  Error(ErrorKind kind, std::vector<Diagnostic> diagnostics, std::string hint = {});

  ErrorKind kind() const { return kind_; }
  // A suggestion of what to do about it; may be empty.
  const std::string& hint() const { return hint_; }
  // What went wrong, at least one; what() is their format_text.
  const std::vector<Diagnostic>& diagnostics() const { return *diagnostics_; }

 private:
  ErrorKind kind_;
  std::string hint_;
  // Shared, so that copying an exception cannot throw.
  std::shared_ptr<const std::vector<Diagnostic>> diagnostics_;
};

// A failed SQL statement, as reported by a driver. `sqlstate` is the five-character
// SQLSTATE on PostgreSQL and the extended result code name on SQLite.
class SqlError : public Error {
 public:
  SqlError(std::string message, std::string sqlstate, bool lock_timeout, bool connection_lost)
      : Error(connection_lost ? ErrorKind::kConnection : ErrorKind::kSql,
              std::vector<Diagnostic>{Diagnostic{
                  Severity::kError, sqlstate, {}, 0, 0, std::move(message), {}, {}, {}}}),
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
