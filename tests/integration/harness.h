// harness.h — helpers for the behavioural integration tests.
//
// The tests drive the real `trellis` binary (TRELLIS_BINARY) in a temporary project
// directory against a real database: a SQLite file in that directory, or a fresh database
// on the private PostgreSQL server of pg_server.h. Every behavioural scenario is a
// value-parameterised test over the backend name ("sqlite", "postgres").
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace trellis_test {

using std::chrono::milliseconds;

// ---- temporary directories and files ------------------------------------------------------

// A fresh directory under $TMPDIR, removed (recursively) on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

void write_file(const std::string& path, const std::string& content);  // creates parents
std::string read_file(const std::string& path);
bool file_exists(const std::string& path);

// ---- running the binary -------------------------------------------------------------------

struct RunOptions {
  std::vector<std::string> args;                // after the binary name
  std::vector<std::string> prefix;              // a command to run the binary with (setpriv …)
  std::string cwd;                              // empty: the current directory
  std::map<std::string, std::string> env;       // set in the child
  std::vector<std::string> unset_env;           // removed from the child's environment
  milliseconds timeout{60000};
};

struct RunResult {
  int exit_code = -1;       // -1 when killed by a signal
  int signal = 0;           // the signal that ended the process, 0 if it exited
  bool timed_out = false;   // killed by the harness after RunOptions::timeout
  std::string out;
  std::string err;

  // For failure messages: exit status and both streams.
  std::string describe() const;
};

// A started child process with its stdout and stderr captured through pipes.
class Child {
 public:
  explicit Child(const RunOptions& options);
  ~Child();  // kills (SIGKILL) and reaps a child still running
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return pid_; }
  // Reads output until `marker` appears in stdout or stderr, the process ends, or
  // `timeout` passes. Returns whether the marker was seen.
  bool wait_for_output(const std::string& marker, milliseconds timeout);
  // Polls `condition` every 20 ms until it holds, the process ends, or `timeout` passes.
  bool wait_until(const std::function<bool()>& condition, milliseconds timeout);
  bool running();
  void kill_now(int signal_number);
  // Reads all output and waits for the end (killing the child after `timeout`).
  RunResult finish(milliseconds timeout);

 private:
  void pump(milliseconds max_wait);
  bool reap(int options);

  pid_t pid_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  bool exited_ = false;
  RunResult result_;
  std::chrono::steady_clock::time_point started_;
  milliseconds default_timeout_;
};

// Runs to completion.
RunResult run_process(const RunOptions& options);

// Runs to completion with stdin, stdout and stderr on a pseudo-terminal (TERM=xterm);
// `out` holds everything written to it, `err` stays empty.
RunResult run_in_pty(const RunOptions& options);

// The path of the trellis binary under test.
std::string trellis_binary();

// Parses `text` as one JSON document; on failure records a test failure naming the text
// and returns null.
nlohmann::json parse_json(const std::string& text);

// True when `text` holds an ANSI escape sequence (ESC).
bool has_escape_codes(const std::string& text);

// The element of a JSON array whose "id" is `id`, or null.
nlohmann::json find_id(const nlohmann::json& array, const std::string& id);
// id -> "state" of every entry of status --json "migrations".
std::map<std::string, std::string> states_of(const nlohmann::json& status);
// Whether `text` points at line `line` of `file` ("file:LINE" or "line LINE").
bool mentions_line(const std::string& text, const std::string& file, int line);

// ---- databases ----------------------------------------------------------------------------

// A fresh database of one backend, with read access for assertions.
class TestDb {
 public:
  virtual ~TestDb() = default;
  virtual std::string backend() const = 0;        // "sqlite" | "postgres"
  virtual std::string url() const = 0;            // as given to trellis
  // Rows of `sql`, columns joined by '|'; NULL as "". Throws std::runtime_error.
  virtual std::vector<std::string> query(const std::string& sql) = 0;
  // User tables (not trellis' own), sorted.
  virtual std::vector<std::string> tables() = 0;
  virtual bool state_exists() = 0;
  // Whether a writing transaction is open right now: SQLite's rollback journal (or WAL)
  // file exists; on PostgreSQL a pg_sleep() is running in this database.
  virtual bool write_in_progress() = 0;
  // Names of trellis' own tables as written in SQL.
  virtual std::string migrations_table() const = 0;
  virtual std::string history_table() const = 0;

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
// shared server; the server must be available).
std::unique_ptr<TestDb> make_db(const std::string& backend, const std::string& dir,
                                const std::string& name);

// ---- a project on disk --------------------------------------------------------------------

class Project {
 public:
  Project();
  const std::string& root() const { return dir_.path(); }
  std::string path(const std::string& relative) const { return root() + "/" + relative; }

  void write(const std::string& relative, const std::string& content) const;
  // trellis.toml with one environment "dev" on `database_url`, all features released.
  void write_simple_config(const std::string& database_url) const;
  // migrations/<feature>/<file> (file like "0001_init.sql").
  void write_migration(const std::string& feature, const std::string& file,
                       const std::string& content) const;
  void remove(const std::string& relative) const;

  // Runs trellis in the project directory.
  RunResult run(const std::vector<std::string>& args) const;
  RunResult run(const std::vector<std::string>& args,
                const std::map<std::string, std::string>& env) const;
  RunOptions options(const std::vector<std::string>& args) const;

 private:
  TempDir dir_;
};

// A migration file: directives, then `-- +up` with `up`, then `-- +down` with `down`
// when given (no down section otherwise).
std::string migration(const std::string& directives, const std::string& up,
                      const std::optional<std::string>& down = std::nullopt);

// One SQL statement that takes about `seconds` inside a migration: a CPU-burning
// recursive CTE on SQLite, pg_sleep on PostgreSQL.
std::string slow_statement(const std::string& backend, double seconds);

// Waits until `child` is inside the slow_statement() of a migration on `db`. PostgreSQL:
// the statement is visible in pg_stat_activity. SQLite: nothing is visible from outside
// the transaction but its journal file, so 300 ms after that appears, well inside a
// statement of >= 2 s.
bool wait_for_slow_statement(Child& child, TestDb& db);

// The 1-based line of the first line of `content` containing `needle`, or 0.
int line_of(const std::string& content, const std::string& needle);

// ---- the backend-parameterised fixture ----------------------------------------------------

class BackendTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override;

  bool is_sqlite() const { return GetParam() == "sqlite"; }
  // Another fresh database of the same backend (e.g. for a second environment).
  std::unique_ptr<TestDb> another_db(const std::string& name);

  Project project_;
  std::unique_ptr<TestDb> db_;
};

// The instance name of a backend parameter ("sqlite", "postgres").
std::string backend_name(const ::testing::TestParamInfo<std::string>& param_info);

// Instantiates a BackendTest subclass on both backends, naming the instances.
#define TRELLIS_BACKENDS(suite)                                                      \
  INSTANTIATE_TEST_SUITE_P(Backends, suite, ::testing::Values("sqlite", "postgres"), \
                           ::trellis_test::backend_name)

}  // namespace trellis_test
