// test_db.h — a fresh database of one backend for a test, with read (and write) access for
// its assertions and set-up.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "process.h"

namespace trellis_test {

class PgServer;

class TestDb {
 public:
  virtual ~TestDb() = default;
  virtual std::string backend() const = 0;        // "sqlite" | "postgres"
  virtual std::string url() const = 0;            // as given to trellis
  // Rows of `sql` (one statement), columns joined by '|'; NULL as "". Throws
  // std::runtime_error.
  virtual std::vector<std::string> query(const std::string& sql) = 0;
  // Runs a script of any number of statements. Throws std::runtime_error.
  virtual void exec(const std::string& script) = 0;
  // User tables (not trellis' own), sorted.
  virtual std::vector<std::string> tables() = 0;
  virtual bool state_exists() = 0;
  // Whether a writing transaction is open right now: SQLite's rollback journal (or WAL)
  // file exists; on PostgreSQL a pg_sleep() is running in this database.
  virtual bool write_in_progress() = 0;
  // Names of trellis' own tables as written in SQL.
  virtual std::string migrations_table() const = 0;
  virtual std::string history_table() const = 0;

  // The first row of `sql`, "" when there is none.
  std::string scalar(const std::string& sql);
  bool has_table(const std::string& name);
  // "id|status" of every trellis_migrations row, sorted by id; empty without state tables.
  std::vector<std::string> state_rows();
  std::vector<std::string> applied_ids();  // status = 'applied', sorted
  // "id|action" of every history event in seq order; empty without state tables.
  std::vector<std::string> history();
  int history_count(const std::string& id, const std::string& action);
  // The error column of a migration's row ("" if none).
  std::string state_error(const std::string& id);
};

// backend: "sqlite" (a file `name`.db in `dir`) or "postgres" (a new database on the
// test run's shared server, PgServer::get(), which must be available).
std::unique_ptr<TestDb> make_db(const std::string& backend, const std::string& dir,
                                const std::string& name);
// A new database on `server` (e.g. PgServer::own()).
std::unique_ptr<TestDb> make_pg_db(PgServer& server);

// Waits until `child` is inside the slow_statement() of a migration on `db`. PostgreSQL:
// the statement is visible in pg_stat_activity. SQLite: nothing is visible from outside
// the transaction but its journal file, so 300 ms after that appears, well inside a
// statement of >= 2 s.
bool wait_for_slow_statement(Child& child, TestDb& db);

}  // namespace trellis_test
