// subprocess.h — running a program and reading what it prints (for `git`).
#pragma once

#include <string>
#include <vector>

namespace trellis {

struct ProcessResult {
  int exit_code = -1;  // 127: the program could not be started
  std::string out;     // standard output
  std::string err;     // standard error
};

// Runs argv[0] (looked up in PATH) with `argv` in directory `dir`, without a shell, with
// standard input empty; waits for it. Throws Error(kIo) only when no process can be made.
ProcessResult run_process(const std::vector<std::string>& argv, const std::string& dir);

}  // namespace trellis
