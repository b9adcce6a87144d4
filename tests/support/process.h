// process.h — the one way the tests run programs: the trellis binary under test (or any
// other program) as a child process with its output captured, a timeout, its own
// environment, optionally on a pseudo-terminal or in the background.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace trellis_test {

using std::chrono::milliseconds;

// The OS user a child runs as (setgid + setuid after dropping supplementary groups).
struct RunAsUser {
  uid_t uid = 0;
  gid_t gid = 0;
};

struct RunOptions {
  std::string program;                          // empty: the trellis binary under test
  std::vector<std::string> args;                // after the program name
  std::vector<std::string> prefix;              // a command to run the program with (setpriv …)
  std::string cwd;                              // empty: the current directory
  std::map<std::string, std::string> env;       // set in the child
  std::vector<std::string> unset_env;           // removed from the child's environment
  milliseconds timeout{60000};                  // then the child is killed (SIGKILL)
  std::optional<RunAsUser> run_as;              // another OS user (tests running as root)
  // Not empty: stdout and stderr are appended to this file instead of being captured
  // (for programs that leave a daemon holding them).
  std::string output_file;
  // run_in_pty only: typed on the terminal as the child starts (its line discipline keeps
  // it until the child reads), e.g. the answer to a question.
  std::string terminal_input;
  // run_in_pty only: the terminal's width in columns (0: the pty's default, unknown).
  unsigned short terminal_columns = 0;
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
  // Reads all output and waits for the end (killing the child after `timeout`, by
  // default the one of its RunOptions, counted from its start).
  RunResult finish(milliseconds timeout);
  RunResult finish();

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

// Starts in the background; finish() collects the result.
std::unique_ptr<Child> start_process(const RunOptions& options);

// Runs to completion with stdin, stdout and stderr on a pseudo-terminal (TERM=xterm);
// `out` holds everything written to it, `err` stays empty.
RunResult run_in_pty(const RunOptions& options);

// The path of the trellis binary under test (TRELLIS_TEST_BINARY overrides it).
std::string trellis_binary();

// The path of executable `name` on PATH, or "" (for RunOptions::program).
std::string find_program(const std::string& name);

// Polls `condition` every 10 ms until it holds or `timeout` passes; its last value.
bool eventually(const std::function<bool()>& condition, milliseconds timeout);

}  // namespace trellis_test
