// backfill_support.h — small helpers for the zero-downtime integration tests: a temporary
// project, the real trellis binary run in the foreground or the background, and SQL on
// the project's SQLite database.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace bf_test {

struct Result {
  int code = -1;  // exit status; -1 if killed by a signal
  std::string out, err;
  std::string describe() const { return "exit " + std::to_string(code) + "\nstdout:\n" + out + "\nstderr:\n" + err; }
};

// A fresh project directory (trellis.toml with env "dev" on sqlite:dev.db), removed at
// destruction. `toml_extra` is appended to trellis.toml.
class Project {
 public:
  explicit Project(const std::string& dev_settings = "allow_contract = true", const std::string& toml_extra = "");
  ~Project();
  Project(const Project&) = delete;
  Project& operator=(const Project&) = delete;

  const std::string& dir() const { return dir_; }
  std::string db() const { return dir_ + "/dev.db"; }
  void write(const std::string& rel, const std::string& content) const;
  // Runs trellis -C dir ARGS (plus `env` in its environment) and waits.
  Result run(const std::vector<std::string>& args, const std::map<std::string, std::string>& env = {}) const;
  // Starts trellis -C dir ARGS in the background, its output going to files.
  pid_t start(const std::vector<std::string>& args) const;
  // Waits for a background run; returns its Result (code -1 when killed).
  Result finish(pid_t pid) const;

  // First column of every row, joined by '|' per row, on dev.db (opened per call).
  std::vector<std::string> sql(const std::string& query) const;
  std::string sql1(const std::string& query) const;  // first row; "" if none
  void exec(const std::string& statements) const;

 private:
  std::string dir_;
  mutable std::map<pid_t, std::string> bases_;  // output file base of each background run
};

// Polls `condition` every 10 ms until it holds or `timeout` passes.
bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout);

}  // namespace bf_test
