// pg_cli.cc — temporary projects and child trellis processes for the PostgreSQL tests.
#include "pg_cli.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace fs = std::filesystem;

namespace trellis_test {

std::string trellis_binary();  // harness_process.cc
namespace {

std::string read_all(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string out_path(const std::string& dir, int slot, const char* stream) {
  return dir + "/.run" + std::to_string(slot) + "." + stream;
}

}  // namespace

CliProject::CliProject(const std::string& database_url, const std::string& defaults_toml) {
  char templ[] = "/tmp/trellis-cli-XXXXXX";
  if (mkdtemp(templ) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = templ;
  write("trellis.toml", "[project]\nmigrations = \"migrations\"\nstate_schema = \"trellis\"\n\n"
                        "[defaults]\n" + defaults_toml + "\n\n[env.pg]\ndatabase = \"" +
                        database_url + "\"\nfeatures = \"all\"\nallow_contract = true\n");
  fs::create_directories(dir_ + "/migrations");
}

CliProject::~CliProject() {
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

void CliProject::write(const std::string& relative_path, const std::string& text) const {
  fs::path path = fs::path(dir_) / relative_path;
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::trunc) << text;
}

pid_t CliProject::start(const std::vector<std::string>& args, int slot) const {
  std::string out = out_path(dir_, slot, "out");
  std::string err = out_path(dir_, slot, "err");
  pid_t pid = fork();
  if (pid != 0) return pid;
  int out_fd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  int err_fd = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  dup2(out_fd, 1);
  dup2(err_fd, 2);
  std::vector<std::string> argv = {trellis_binary(), "-C", dir_, "-e", "pg", "--no-color"};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> raw;
  for (std::string& a : argv) raw.push_back(a.data());
  raw.push_back(nullptr);
  setenv("NO_COLOR", "1", 1);
  execv(raw[0], raw.data());
  _exit(127);
}

RunResult CliProject::wait(pid_t pid, int slot) const {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  RunResult result;
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  result.out = read_all(out_path(dir_, slot, "out"));
  result.err = read_all(out_path(dir_, slot, "err"));
  return result;
}

RunResult CliProject::run(const std::vector<std::string>& args) const {
  return wait(start(args, 0), 0);
}

}  // namespace trellis_test
