// process.cc — running the trellis binary (or another program) as a child process with
// captured output, a timeout, and control over its life (for concurrency and crash tests).
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "process.h"

extern char** environ;

namespace trellis_test {

// ---- processes ----------------------------------------------------------------------------

// TRELLIS_TEST_BINARY runs the tests against another build (e.g. an older one, to see a
// new test fail there).
std::string trellis_binary() {
  const char* other = std::getenv("TRELLIS_TEST_BINARY");
  return other != nullptr && *other != '\0' ? other : TRELLIS_BINARY;
}

std::string RunResult::describe() const {
  std::ostringstream text;
  text << "exit " << exit_code;
  if (signal != 0) text << " (signal " << signal << ")";
  if (timed_out) text << " (timed out)";
  text << "\n--- stdout ---\n" << out << "\n--- stderr ---\n" << err << "\n";
  return text.str();
}

namespace {

std::vector<std::string> child_environment(const RunOptions& options) {
  std::map<std::string, std::string> vars;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    std::string text = *entry;
    auto eq = text.find('=');
    if (eq != std::string::npos) vars[text.substr(0, eq)] = text.substr(eq + 1);
  }
  // Hermetic by default: nothing of the caller's trellis or colour setup leaks in.
  for (const char* name : {"TRELLIS_ENV", "DATABASE_URL", "NO_COLOR", "CLICOLOR_FORCE"}) {
    vars.erase(name);
  }
  for (const auto& name : options.unset_env) vars.erase(name);
  for (const auto& [name, value] : options.env) vars[name] = value;
  std::vector<std::string> result;
  for (const auto& [name, value] : vars) result.push_back(name + "=" + value);
  return result;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  for (auto& s : strings) pointers.push_back(s.data());
  pointers.push_back(nullptr);
  return pointers;
}

void set_nonblocking(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }

std::vector<std::string> command_line(const RunOptions& options) {
  std::vector<std::string> argv = options.prefix;
  argv.push_back(options.program.empty() ? trellis_binary() : options.program);
  argv.insert(argv.end(), options.args.begin(), options.args.end());
  return argv;
}

// In the child, after fork: the working directory and the user; exits on failure.
void enter_child(const RunOptions& options) {
  if (options.run_as && (setgroups(0, nullptr) != 0 || setgid(options.run_as->gid) != 0 ||
                         setuid(options.run_as->uid) != 0)) {
    _exit(126);
  }
  if (!options.cwd.empty() && chdir(options.cwd.c_str()) != 0) _exit(126);
}

}  // namespace

Child::Child(const RunOptions& options)
    : started_(std::chrono::steady_clock::now()), default_timeout_(options.timeout) {
  std::vector<std::string> argv_strings = command_line(options);
  std::vector<std::string> env_strings = child_environment(options);
  std::vector<char*> argv = c_strings(argv_strings);
  std::vector<char*> envp = c_strings(env_strings);
  int out_pipe[2];
  int err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe failed");
  }
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    int devnull = open("/dev/null", O_RDONLY);
    dup2(devnull, 0);
    int file = options.output_file.empty()
                   ? -1
                   : open(options.output_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    dup2(file >= 0 ? file : out_pipe[1], 1);
    dup2(file >= 0 ? file : err_pipe[1], 2);
    enter_child(options);
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  out_fd_ = out_pipe[0];
  err_fd_ = err_pipe[0];
  set_nonblocking(out_fd_);
  set_nonblocking(err_fd_);
}

Child::~Child() {
  if (!exited_ && pid_ > 0) {
    ::kill(pid_, SIGKILL);
    reap(0);
  }
  if (out_fd_ >= 0) close(out_fd_);
  if (err_fd_ >= 0) close(err_fd_);
}

void Child::pump(milliseconds max_wait) {
  std::vector<pollfd> fds;
  if (out_fd_ >= 0) fds.push_back({out_fd_, POLLIN, 0});
  if (err_fd_ >= 0) fds.push_back({err_fd_, POLLIN, 0});
  if (fds.empty()) {
    std::this_thread::sleep_for(std::min(max_wait, milliseconds(5)));
    return;
  }
  if (poll(fds.data(), fds.size(), static_cast<int>(max_wait.count())) <= 0) return;
  char buffer[65536];
  for (const auto& entry : fds) {
    if ((entry.revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
    ssize_t n = read(entry.fd, buffer, sizeof buffer);
    bool is_out = entry.fd == out_fd_;
    if (n > 0) {
      (is_out ? result_.out : result_.err).append(buffer, static_cast<size_t>(n));
    } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
      close(entry.fd);
      (is_out ? out_fd_ : err_fd_) = -1;
    }
  }
}

bool Child::reap(int options) {
  if (exited_) return true;
  int status = 0;
  pid_t done = waitpid(pid_, &status, options);
  if (done != pid_) return false;
  exited_ = true;
  if (WIFEXITED(status)) {
    result_.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result_.signal = WTERMSIG(status);
  }
  return true;
}

bool Child::running() { return !reap(WNOHANG); }

void Child::kill_now(int signal_number) {
  if (!exited_) ::kill(pid_, signal_number);
}

bool Child::wait_for_output(const std::string& marker, milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (result_.out.find(marker) != std::string::npos ||
        result_.err.find(marker) != std::string::npos) {
      return true;
    }
    if (out_fd_ < 0 && err_fd_ < 0 && !running()) return false;
    pump(milliseconds(20));
  }
  return false;
}

bool Child::wait_until(const std::function<bool()>& condition, milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    if (!running()) return false;
    pump(milliseconds(20));
  }
  return false;
}

RunResult Child::finish(milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (out_fd_ >= 0 || err_fd_ >= 0 || running()) {
    if (std::chrono::steady_clock::now() >= deadline) {
      if (result_.timed_out) break;  // killed, yet something else holds its pipes open
      result_.timed_out = true;
      kill_now(SIGKILL);
      deadline = std::chrono::steady_clock::now() + milliseconds(5000);
    }
    pump(milliseconds(50));
  }
  reap(0);
  return result_;
}

RunResult Child::finish() {
  auto elapsed = std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() -
                                                          started_);
  return finish(std::max(default_timeout_ - elapsed, milliseconds(0)));
}

RunResult run_process(const RunOptions& options) {
  Child child(options);
  return child.finish(options.timeout);
}

std::unique_ptr<Child> start_process(const RunOptions& options) {
  return std::make_unique<Child>(options);
}

std::string find_program(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path == nullptr ? "/usr/bin:/bin" : path);
  for (std::string dir; std::getline(dirs, dir, ':');) {
    std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

bool eventually(const std::function<bool()>& condition, milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(milliseconds(10));
  }
  return condition();
}

RunResult run_in_pty(const RunOptions& options) {
  RunOptions with_term = options;
  with_term.env.emplace("TERM", "xterm");
  std::vector<std::string> argv_strings = command_line(options);
  std::vector<std::string> env_strings = child_environment(with_term);
  std::vector<char*> argv = c_strings(argv_strings);
  std::vector<char*> envp = c_strings(env_strings);
  int master = -1;
  winsize size{};
  size.ws_row = 24;
  size.ws_col = options.terminal_columns;
  pid_t pid = forkpty(&master, nullptr, nullptr, options.terminal_columns > 0 ? &size : nullptr);
  if (pid < 0) throw std::runtime_error("forkpty failed");
  if (pid == 0) {
    enter_child(options);
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  if (!options.terminal_input.empty() &&
      write(master, options.terminal_input.data(), options.terminal_input.size()) < 0) {
    ::kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    close(master);
    throw std::runtime_error("writing to the pseudo-terminal failed");
  }
  RunResult result;
  auto deadline = std::chrono::steady_clock::now() + options.timeout;
  char buffer[4096];
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd fd{master, POLLIN, 0};
    if (poll(&fd, 1, 50) <= 0) continue;
    ssize_t n = read(master, buffer, sizeof buffer);
    if (n <= 0) break;  // EIO once the child and its terminal are gone
    result.out.append(buffer, static_cast<size_t>(n));
  }
  if (std::chrono::steady_clock::now() >= deadline) {
    result.timed_out = true;
    ::kill(pid, SIGKILL);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  close(master);
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  return result;
}

}  // namespace trellis_test
