// pg_cli.h — running the real trellis binary on a temporary project whose environment
// "pg" points at a database of the private PostgreSQL server.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace trellis_test {

struct RunResult {
  int exit_code = -1;  // -1 when killed by a signal
  int signal = 0;
  std::string out;
  std::string err;
};

class CliProject {
 public:
  // A fresh directory with trellis.toml: [env.pg] database = `database_url`, all features,
  // plus `defaults_toml` lines in [defaults].
  CliProject(const std::string& database_url, const std::string& defaults_toml = "");
  ~CliProject();
  CliProject(const CliProject&) = delete;
  CliProject& operator=(const CliProject&) = delete;

  // Writes `text` to `relative_path` (directories created as needed).
  void write(const std::string& relative_path, const std::string& text) const;
  const std::string& dir() const { return dir_; }

  // Runs `trellis -C DIR -e pg ARGS…` and waits for it.
  RunResult run(const std::vector<std::string>& args) const;
  // Starts it without waiting; output goes to files collected by wait().
  pid_t start(const std::vector<std::string>& args, int slot) const;
  RunResult wait(pid_t pid, int slot) const;

 private:
  std::string dir_;
};

}  // namespace trellis_test
