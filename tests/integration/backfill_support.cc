#include "backfill_support.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace fs = std::filesystem;

namespace bf_test {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

Project::Project(const std::string& dev_settings, const std::string& toml_extra) {
  std::string tmpl = (fs::temp_directory_path() / "trellis-bf-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  write("trellis.toml", "[project]\nmigrations = \"migrations\"\ndefault_env = \"dev\"\n\n"
                        "[defaults]\nlock_timeout = \"2s\"\nlock_retries = 2\n\n"
                        "[env.dev]\ndatabase = \"sqlite:dev.db\"\nfeatures = \"all\"\n" +
                            dev_settings + "\n" + toml_extra);
}

Project::~Project() {
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

void Project::write(const std::string& rel, const std::string& content) const {
  fs::path p = fs::path(dir_) / rel;
  fs::create_directories(p.parent_path());
  std::ofstream(p) << content;
}

pid_t Project::start(const std::vector<std::string>& args) const {
  static int counter = 0;
  std::string base = dir_ + "/.run" + std::to_string(++counter);
  pid_t pid = ::fork();
  if (pid == 0) {
    int out = ::open((base + ".out").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = ::open((base + ".err").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(out, 1);
    ::dup2(err, 2);
    std::vector<std::string> all = {TRELLIS_BINARY, "-C", dir_, "--no-color"};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : all) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(TRELLIS_BINARY, argv.data());
    ::_exit(127);
  }
  bases_[pid] = base;
  return pid;
}

Result Project::finish(pid_t pid) const {
  int status = 0;
  ::waitpid(pid, &status, 0);
  Result r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  const std::string& base = bases_.at(pid);
  r.out = slurp(base + ".out");
  r.err = slurp(base + ".err");
  return r;
}

namespace {

std::string shell_quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

Result Project::run(const std::vector<std::string>& args, const std::map<std::string, std::string>& env) const {
  std::string out = dir_ + "/.fg.out", err = dir_ + "/.fg.err";
  std::string cmd;
  for (const auto& [k, v] : env) cmd += k + "='" + v + "' ";
  cmd += std::string("'") + TRELLIS_BINARY + "' -C '" + dir_ + "' --no-color";
  for (const auto& a : args) cmd += " " + shell_quoted(a);
  cmd += " >'" + out + "' 2>'" + err + "'";
  int status = std::system(cmd.c_str());
  Result r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

std::vector<std::string> Project::sql(const std::string& query) const {
  sqlite3* handle = nullptr;
  if (sqlite3_open_v2(db().c_str(), &handle, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    sqlite3_close(handle);
    throw std::runtime_error("cannot open " + db());
  }
  sqlite3_busy_timeout(handle, 5000);
  std::vector<std::string> rows;
  auto cb = [](void* p, int n, char** vals, char**) {
    std::string row;
    for (int i = 0; i < n; ++i) row += (i ? "|" : "") + std::string(vals[i] ? vals[i] : "");
    static_cast<std::vector<std::string>*>(p)->push_back(row);
    return 0;
  };
  char* err = nullptr;
  int rc = sqlite3_exec(handle, query.c_str(), cb, &rows, &err);
  std::string msg = err ? err : "";
  sqlite3_free(err);
  sqlite3_close(handle);
  if (rc != SQLITE_OK) throw std::runtime_error(query + ": " + msg);
  return rows;
}

std::string Project::sql1(const std::string& query) const {
  auto rows = sql(query);
  return rows.empty() ? "" : rows.front();
}

void Project::exec(const std::string& statements) const { sql(statements); }

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return condition();
}

}  // namespace bf_test
