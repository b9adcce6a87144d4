// harness.cc — temporary projects and child processes for the integration tests.
#include "harness.h"

#include "pg_server.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace trellis_test {

namespace fs = std::filesystem;

// ---- files --------------------------------------------------------------------------------

TempDir::TempDir() {
  const char* base = getenv("TMPDIR");
  std::string pattern = std::string(base && *base ? base : "/tmp") + "/trellis-it-XXXXXX";
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (mkdtemp(buffer.data()) == nullptr) {
    throw std::runtime_error("mkdtemp failed: " + std::string(strerror(errno)));
  }
  // Canonical, so that paths in messages and URLs match what the binary sees.
  path_ = fs::canonical(buffer.data()).string();
}

TempDir::~TempDir() {
  if (getenv("TRELLIS_KEEP_TEST_DIRS") != nullptr) return;
  std::error_code ignored;
  fs::remove_all(path_, ignored);
}

void write_file(const std::string& path, const std::string& content) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  if (!out) throw std::runtime_error("cannot write " + path);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

bool file_exists(const std::string& path) { return fs::exists(path); }

// ---- processes ----------------------------------------------------------------------------

std::string trellis_binary() { return TRELLIS_BINARY; }

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

}  // namespace

Child::Child(const RunOptions& options)
    : started_(std::chrono::steady_clock::now()), default_timeout_(options.timeout) {
  std::vector<std::string> argv_strings{trellis_binary()};
  argv_strings.insert(argv_strings.end(), options.args.begin(), options.args.end());
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
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    if (!options.cwd.empty() && chdir(options.cwd.c_str()) != 0) _exit(126);
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
  while (out_fd_ >= 0 || err_fd_ >= 0) {
    if (std::chrono::steady_clock::now() >= deadline) {
      result_.timed_out = true;
      kill_now(SIGKILL);
      deadline = std::chrono::steady_clock::now() + milliseconds(5000);
    }
    pump(milliseconds(50));
  }
  reap(0);
  return result_;
}

RunResult run_process(const RunOptions& options) {
  Child child(options);
  return child.finish(options.timeout);
}

nlohmann::json parse_json(const std::string& text) {
  try {
    return nlohmann::json::parse(text);
  } catch (const std::exception& e) {
    ADD_FAILURE() << "not one JSON document (" << e.what() << "):\n" << text;
    return nullptr;
  }
}

bool has_escape_codes(const std::string& text) { return text.find('\x1b') != std::string::npos; }

nlohmann::json find_id(const nlohmann::json& array, const std::string& id) {
  if (!array.is_array()) return nullptr;
  for (const auto& entry : array) {
    if (entry.is_object() && entry.value("id", "") == id) return entry;
  }
  return nullptr;
}

std::map<std::string, std::string> states_of(const nlohmann::json& status) {
  std::map<std::string, std::string> states;
  if (!status.is_object() || !status.contains("migrations")) return states;
  for (const auto& entry : status["migrations"]) {
    states[entry.value("id", "")] = entry.value("state", "");
  }
  return states;
}

bool mentions_line(const std::string& text, const std::string& file, int line) {
  std::string n = std::to_string(line);
  auto has_at = [&](const std::string& prefix) {
    for (auto pos = text.find(prefix); pos != std::string::npos; pos = text.find(prefix, pos + 1)) {
      size_t end = pos + prefix.size() + n.size();
      if (text.compare(pos + prefix.size(), n.size(), n) == 0 &&
          (end >= text.size() || !isdigit(static_cast<unsigned char>(text[end])))) {
        return true;
      }
    }
    return false;
  };
  return has_at(file + ":") || has_at("line ");
}

// ---- projects -----------------------------------------------------------------------------

Project::Project() = default;

void Project::write(const std::string& relative, const std::string& content) const {
  write_file(path(relative), content);
}

void Project::write_simple_config(const std::string& database_url) const {
  write("trellis.toml", "[env.dev]\ndatabase = \"" + database_url + "\"\nfeatures = \"all\"\n");
}

void Project::write_migration(const std::string& feature, const std::string& file,
                              const std::string& content) const {
  write("migrations/" + feature + "/" + file, content);
}

void Project::remove(const std::string& relative) const { fs::remove(path(relative)); }

RunOptions Project::options(const std::vector<std::string>& args) const {
  RunOptions options;
  options.args = args;
  options.cwd = root();
  return options;
}

RunResult Project::run(const std::vector<std::string>& args) const {
  return run_process(options(args));
}

RunResult Project::run(const std::vector<std::string>& args,
                       const std::map<std::string, std::string>& env) const {
  RunOptions opts = options(args);
  opts.env = env;
  return run_process(opts);
}

std::string migration(const std::string& directives, const std::string& up,
                      const std::optional<std::string>& down) {
  std::string text = directives;
  if (!text.empty() && text.back() != '\n') text += '\n';
  text += "-- +up\n" + up;
  if (!text.empty() && text.back() != '\n') text += '\n';
  if (down) {
    text += "\n-- +down\n" + *down;
    if (text.back() != '\n') text += '\n';
  }
  return text;
}

std::string slow_statement(const std::string& backend, double seconds) {
  if (backend == "postgres") return "SELECT pg_sleep(" + std::to_string(seconds) + ");";
  // About ten million rows a second on one core of the CI machines.
  long rows = static_cast<long>(seconds * 10'000'000);
  return "WITH RECURSIVE burn(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM burn WHERE x < " +
         std::to_string(rows) + ") SELECT count(*) FROM burn;";
}

int line_of(const std::string& content, const std::string& needle) {
  std::istringstream lines(content);
  std::string line;
  for (int number = 1; std::getline(lines, line); ++number) {
    if (line.find(needle) != std::string::npos) return number;
  }
  return 0;
}

// ---- fixture ------------------------------------------------------------------------------

std::string backend_name(const ::testing::TestParamInfo<std::string>& param_info) {
  return param_info.param;
}

void BackendTest::SetUp() {
  if (GetParam() == "postgres") {
    TRELLIS_REQUIRE_PG_OR_SKIP(server);
    (void)server;
  }
  db_ = make_db(GetParam(), project_.root(), "dev");
}

std::unique_ptr<TestDb> BackendTest::another_db(const std::string& name) {
  return make_db(GetParam(), project_.root(), name);
}

}  // namespace trellis_test
