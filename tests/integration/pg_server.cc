// pg_server.cc — starts, uses and removes the private PostgreSQL server of the tests.
#include "pg_server.h"

#include <fcntl.h>
#include <grp.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

namespace fs = std::filesystem;

namespace trellis_test {
namespace {

std::string& reason_text() {
  static std::string text;
  return text;
}

// Output of a shell-free command line, first line only ("" on failure).
std::string first_line_of(const char* command) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command, "r"), pclose);
  if (!pipe) return {};
  char buffer[4096];
  std::string line;
  if (fgets(buffer, sizeof buffer, pipe.get()) != nullptr) line = buffer;
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  return line;
}

bool has_server_binaries(const fs::path& dir) {
  return access((dir / "initdb").c_str(), X_OK) == 0 &&
         access((dir / "pg_ctl").c_str(), X_OK) == 0 &&
         access((dir / "postgres").c_str(), X_OK) == 0;
}

// pg_config --bindir first, then Debian's /usr/lib/postgresql/<version>/bin (newest
// first), then PATH.
std::string find_bindir() {
  std::vector<std::string> candidates;
  candidates.push_back(first_line_of("pg_config --bindir 2>/dev/null"));
  std::vector<fs::path> versions;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    versions.push_back(entry.path() / "bin");
  }
  std::sort(versions.begin(), versions.end(), [](const fs::path& a, const fs::path& b) {
    return std::atoi(a.parent_path().filename().c_str()) >
           std::atoi(b.parent_path().filename().c_str());
  });
  for (const auto& v : versions) candidates.push_back(v.string());
  const char* path = std::getenv("PATH");
  std::stringstream parts(path == nullptr ? "" : path);
  for (std::string part; std::getline(parts, part, ':');) candidates.push_back(part);
  for (const std::string& dir : candidates) {
    if (!dir.empty() && has_server_binaries(dir)) return dir;
  }
  return {};
}

// The OS user the server runs as: ourselves, or `postgres` when we are root.
struct RunAs {
  bool switch_user = false;
  uid_t uid = 0;
  gid_t gid = 0;
};

// Runs `argv` (as `run_as`), output appended to `log`; returns the exit status.
int run(const std::vector<std::string>& argv, const RunAs& run_as, const std::string& log) {
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    if (run_as.switch_user &&
        (setgroups(0, nullptr) != 0 || setgid(run_as.gid) != 0 || setuid(run_as.uid) != 0)) {
      _exit(126);
    }
    int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
    }
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string tail_of(const std::string& path) {
  std::ifstream in(path);
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return all.size() > 1500 ? all.substr(all.size() - 1500) : all;
}

// What the exit handler needs; plain data so that a signal handler may use it too.
struct Cleanup {
  pid_t owner = 0;
  std::string pg_ctl;
  std::string data;
  std::string dir;
  RunAs run_as;
  bool armed = false;
  bool bouncer = false;  // a pgbouncer with its pid file in dir
};

Cleanup& cleanup_state() {
  static Cleanup* state = new Cleanup();  // never destroyed: used from atexit
  return *state;
}

void stop_server() {
  Cleanup& c = cleanup_state();
  if (!c.armed || getpid() != c.owner) return;
  c.armed = false;
  if (c.bouncer) {
    std::ifstream pidfile(c.dir + "/pgbouncer.pid");
    pid_t pid = 0;
    if (pidfile >> pid && pid > 0) kill(pid, SIGTERM);
  }
  run({c.pg_ctl, "-D", c.data, "-m", "immediate", "-w", "stop"}, c.run_as, "/dev/null");
  std::error_code ec;
  fs::remove_all(c.dir, ec);
}

void stop_on_signal(int signo) {
  stop_server();
  std::signal(signo, SIG_DFL);
  std::raise(signo);
}

void append(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::app);
  out << text;
}

}  // namespace

class PgServerStarter {
 public:
  static PgServer* start();

 private:
  static bool fail(const std::string& why) {
    reason_text() = why;
    return false;
  }
  static bool prepare(PgServer& server, RunAs& run_as);
  static bool init_and_start(PgServer& server, const RunAs& run_as);
};

bool PgServerStarter::prepare(PgServer& server, RunAs& run_as) {
  server.bindir_ = find_bindir();
  if (server.bindir_.empty()) {
    return fail("no PostgreSQL server binaries (initdb, pg_ctl, postgres) found via "
                "pg_config --bindir, /usr/lib/postgresql/*/bin or PATH");
  }
  if (geteuid() == 0) {
    const passwd* pw = getpwnam("postgres");
    if (pw == nullptr) return fail("running as root and there is no 'postgres' OS user");
    run_as = {true, pw->pw_uid, pw->pw_gid};
  }
  char templ[] = "/tmp/trellis-pg-XXXXXX";
  if (mkdtemp(templ) == nullptr) return fail("cannot create a temporary directory");
  server.dir_ = templ;
  if (run_as.switch_user && chown(templ, run_as.uid, run_as.gid) != 0) {
    return fail("cannot give " + server.dir_ + " to the postgres user");
  }
  return true;
}

bool PgServerStarter::init_and_start(PgServer& server, const RunAs& run_as) {
  const std::string data = server.dir_ + "/data";
  const std::string log = server.dir_ + "/setup.log";
  const std::string server_log = server.dir_ + "/server.log";
  if (run({server.bindir_ + "/initdb", "-D", data, "-U", server.user_, "-A", "trust", "-E",
           "UTF8", "--locale=C", "-N"},
          run_as, log) != 0) {
    return fail("initdb failed:\n" + tail_of(log));
  }
  append(data + "/postgresql.conf",
         "\nlisten_addresses = ''\nunix_socket_directories = '" + server.dir_ +
             "'\nport = " + std::to_string(server.port_) +
             "\nfsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
             "shared_buffers = 32MB\nmax_connections = 100\n");
  std::ofstream(data + "/pg_hba.conf", std::ios::trunc)
      << "local all " << PgServer::kPasswordRole << " scram-sha-256\nlocal all all trust\n";
  Cleanup& c = cleanup_state();
  c = {getpid(), server.bindir_ + "/pg_ctl", data, server.dir_, run_as, true};
  std::atexit(stop_server);
  std::signal(SIGTERM, stop_on_signal);
  std::signal(SIGINT, stop_on_signal);
  if (run({c.pg_ctl, "-D", data, "-l", server_log, "-w", "-t", "60", "start"}, run_as, log) != 0) {
    return fail("pg_ctl start failed:\n" + tail_of(log) + tail_of(server_log));
  }
  return true;
}

PgServer* PgServerStarter::start() {
  auto* server = new PgServer();
  RunAs run_as;
  if (!prepare(*server, run_as) || !init_and_start(*server, run_as)) {
    stop_server();
    std::error_code ec;
    if (!server->dir_.empty()) fs::remove_all(server->dir_, ec);
    delete server;
    return nullptr;
  }
  return server;
}

PgServer* PgServer::get() {
  static PgServer* server = PgServerStarter::start();
  return server;
}

const std::string& PgServer::reason() { return reason_text(); }

std::string PgServer::create_database() {
  std::string name = "t" + std::to_string(getpid()) + "_" + std::to_string(++databases_);
  std::string admin = "postgresql:///postgres?host=" + dir_ + "&port=" +
                      std::to_string(port_) + "&user=" + user_;
  query(admin, "CREATE DATABASE " + name);
  return "postgresql:///" + name + "?host=" + dir_ + "&port=" + std::to_string(port_) +
         "&user=" + user_;
}

std::vector<std::string> PgServer::query(const std::string& url, const std::string& sql) {
  std::unique_ptr<PGconn, void (*)(PGconn*)> conn(PQconnectdb(url.c_str()), PQfinish);
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    throw std::runtime_error("cannot connect to " + url + ": " + PQerrorMessage(conn.get()));
  }
  PQsetNoticeProcessor(conn.get(), [](void*, const char*) {}, nullptr);
  std::unique_ptr<PGresult, void (*)(PGresult*)> result(PQexec(conn.get(), sql.c_str()),
                                                        PQclear);
  ExecStatusType status = PQresultStatus(result.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    throw std::runtime_error(sql + ": " + PQerrorMessage(conn.get()));
  }
  std::vector<std::string> rows;
  for (int r = 0; r < PQntuples(result.get()); ++r) {
    std::string row;
    for (int c = 0; c < PQnfields(result.get()); ++c) {
      if (c > 0) row += '|';
      row += PQgetvalue(result.get(), r, c);
    }
    rows.push_back(row);
  }
  return rows;
}

bool PgServer::restart(std::string* why) {
  Cleanup& c = cleanup_state();
  std::string log = dir_ + "/restart.log";
  if (run({c.pg_ctl, "-D", c.data, "-m", "immediate", "-w", "-t", "60", "-l",
           dir_ + "/server.log", "restart"}, c.run_as, log) != 0) {
    *why = "pg_ctl restart failed:\n" + tail_of(log);
    return false;
  }
  return true;
}

std::string PgServer::through_bouncer(const std::string& database_url, int pool_size,
                                      std::string* why) {
  Cleanup& c = cleanup_state();
  if (bouncer_port_ == 0) {
    const char* binary = "/usr/sbin/pgbouncer";
    if (access(binary, X_OK) != 0) {
      *why = "pgbouncer is not installed (Debian package pgbouncer)";
      return "";
    }
    const int port = port_ + 1000;
    std::ofstream(dir_ + "/userlist.txt") << "\"" << user_ << "\" \"\"\n";
    std::ofstream(dir_ + "/pgbouncer.ini")
        << "[databases]\n* = host=" << dir_ << " port=" << port_ << "\n"
        << "[pgbouncer]\nlisten_addr =\nlisten_port = " << port << "\nunix_socket_dir = " << dir_
        << "\nauth_type = trust\nauth_file = " << dir_ << "/userlist.txt\n"
        << "pool_mode = transaction\ndefault_pool_size = " << pool_size
        << "\nmax_client_conn = 500\nserver_reset_query =\n"
        << "ignore_startup_parameters = extra_float_digits,options\n"
        << "logfile = " << dir_ << "/pgbouncer.log\npidfile = " << dir_ << "/pgbouncer.pid\n";
    if (c.run_as.switch_user) {
      for (const char* f : {"/userlist.txt", "/pgbouncer.ini"}) {
        if (chown((dir_ + f).c_str(), c.run_as.uid, c.run_as.gid) != 0) {
          *why = "cannot give the pgbouncer files to the postgres user";
          return "";
        }
      }
    }
    if (run({binary, "-d", dir_ + "/pgbouncer.ini"}, c.run_as, dir_ + "/pgbouncer.out") != 0) {
      *why = "pgbouncer did not start:\n" + tail_of(dir_ + "/pgbouncer.out") +
             tail_of(dir_ + "/pgbouncer.log");
      return "";
    }
    c.bouncer = true;
    std::string socket = dir_ + "/.s.PGSQL." + std::to_string(port);
    for (int i = 0; i < 100 && access(socket.c_str(), F_OK) != 0; ++i) usleep(50000);
    bouncer_port_ = port;
  }
  std::string url = database_url;
  std::string from = "&port=" + std::to_string(port_);
  std::size_t at = url.find(from);
  if (at == std::string::npos) {
    *why = "not a URL of this server: " + database_url;
    return "";
  }
  return url.replace(at, from.size(), "&port=" + std::to_string(bouncer_port_));
}

const std::string& PgServer::socket_dir() const { return dir_; }
int PgServer::port() const { return port_; }
const std::string& PgServer::user() const { return user_; }

bool postgres_required() {
  const char* value = std::getenv("TRELLIS_REQUIRE_POSTGRES");
  return value != nullptr && std::string(value) == "1";
}

}  // namespace trellis_test
