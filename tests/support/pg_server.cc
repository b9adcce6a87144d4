// pg_server.cc — which PostgreSQL server a test uses, its databases, and what happens to
// both when the test process exits.
#include "pg_server.h"

#include <libpq-fe.h>
#include <signal.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <memory>
#include <stdexcept>

#include "temp_dir.h"

namespace trellis_test {
namespace {

std::string& reason_text() {
  static std::string text;
  return text;
}

const char* env_or_null(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : nullptr;
}

// What to undo when this process exits; never destroyed (used from atexit and signals).
struct ExitWork {
  pid_t owner = 0;
  std::optional<PgCluster> own;  // stopped and removed
  std::string bouncer_pidfile;   // a PgBouncer in front of `own`
  std::vector<std::pair<std::string, std::string>> databases;  // (admin URL, name) to drop
};

ExitWork& exit_work() {
  static ExitWork* work = new ExitWork{getpid(), std::nullopt, "", {}};
  return *work;
}

void stop_own_server() {
  ExitWork& work = exit_work();
  if (getpid() != work.owner || !work.own) return;
  if (!work.bouncer_pidfile.empty()) {
    pid_t pid = std::atoi(read_file_or_empty(work.bouncer_pidfile).c_str());
    if (pid > 0) kill(pid, SIGTERM);
  }
  stop_cluster(*work.own);
  work.own.reset();
}

void drop_databases() {
  ExitWork& work = exit_work();
  if (getpid() != work.owner) return;
  for (const auto& [admin, name] : work.databases) {
    PGconn* conn = PQconnectdb(admin.c_str());
    if (PQstatus(conn) == CONNECTION_OK) {
      PQclear(PQexec(conn, ("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)").c_str()));
    }
    PQfinish(conn);
  }
  work.databases.clear();
}

void at_exit() {
  drop_databases();
  stop_own_server();
}

void stop_on_signal(int signo) {
  stop_own_server();
  std::signal(signo, SIG_DFL);
  std::raise(signo);
}

void register_exit_work() {
  static bool registered = [] {
    exit_work();
    std::atexit(at_exit);
    std::signal(SIGTERM, stop_on_signal);
    std::signal(SIGINT, stop_on_signal);
    return true;
  }();
  (void)registered;
}

}  // namespace

class PgServers {
 public:
  static PgServer* own() {
    static PgServer* server = start_own();
    if (server == nullptr) reason_text() = own_reason();
    return server;
  }

  static PgServer* shared() {
    static PgServer* server = find_shared();
    if (server == nullptr) reason_text() = shared_reason();
    return server;
  }

 private:
  static std::string& own_reason() {
    static std::string text;
    return text;
  }
  static std::string& shared_reason() {
    static std::string text;
    return text;
  }

  static PgServer* start_own() {
    register_exit_work();
    std::string why;
    std::optional<PgCluster> cluster = start_cluster(&why);
    if (!cluster) {
      own_reason() = why;
      return nullptr;
    }
    exit_work().own = cluster;
    auto* server = new PgServer();
    server->cluster_ = cluster;
    server->owned_ = true;
    return server;
  }

  static PgServer* find_shared() {
    if (const char* url = env_or_null("TRELLIS_TEST_PG_URL")) {
      register_exit_work();
      auto* server = new PgServer();
      server->external_url_ = url;
      server->template_ = "template0";
      return server;
    }
    if (const char* file = env_or_null("TRELLIS_TEST_PG_SHARED")) {
      std::string text = read_file_or_empty(file);
      if (text.rfind("unavailable=", 0) == 0) {
        shared_reason() = text.substr(12);
        return nullptr;
      }
      if (PgServer* server = announced(text)) return server;
    }
    PgServer* server = own();  // run by hand: the process' own server serves as shared
    if (server == nullptr) shared_reason() = own_reason();
    return server;
  }

  // The server the CTest fixture announced, if it answers.
  static PgServer* announced(const std::string& text) {
    std::optional<PgCluster> cluster = parse_cluster(text);
    if (!cluster) return nullptr;
    register_exit_work();
    auto* server = new PgServer();
    server->cluster_ = cluster;
    server->template_ = "trellis_template";
    try {
      server->query(cluster->url("postgres"), "SELECT 1");
      return server;
    } catch (const std::exception&) {
      delete server;
      return nullptr;
    }
  }
};

PgServer* PgServer::get() { return PgServers::shared(); }
PgServer* PgServer::own() { return PgServers::own(); }
PgServer* PgServer::local() {
  PgServer* shared = get();
  return shared != nullptr && shared->cluster_ ? shared : own();
}
const std::string& PgServer::reason() { return reason_text(); }

std::string PgServer::database_url(const std::string& name) const {
  if (cluster_) return cluster_->url(name);
  // postgresql://user@host:port/DB?params: the path after the authority is the database.
  std::string url = external_url_;
  std::size_t authority = url.find("://");
  std::size_t path = url.find('/', authority == std::string::npos ? 0 : authority + 3);
  std::size_t params = url.find('?');
  if (path == std::string::npos || (params != std::string::npos && path > params)) {
    return url.insert(params == std::string::npos ? url.size() : params, "/" + name);
  }
  std::size_t end = params == std::string::npos ? url.size() : params;
  return url.replace(path, end - path, "/" + name);
}

std::string PgServer::create_database() {
  std::string name = "t" + std::to_string(getpid()) + "_" + std::to_string(++databases_);
  std::string admin = cluster_ ? cluster_->url("postgres") : external_url_;
  if (!owned_) {
    // A database of a dead process with the same pid (its exit handler never ran).
    query(admin, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    exit_work().databases.emplace_back(admin, name);
  }
  query(admin, "CREATE DATABASE " + name + " TEMPLATE " + template_);
  return database_url(name);
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
  if (!owned_) {
    *why = "not this process' own server: a test that restarts it must use PgServer::own()";
    return false;
  }
  return restart_cluster(*cluster_, why);
}

const std::string& PgServer::socket_dir() const {
  static const std::string none;
  return cluster_ ? cluster_->dir : none;
}
const std::string& PgServer::bindir() const {
  static const std::string none;
  return cluster_ ? cluster_->bindir : none;
}
int PgServer::port() const { return cluster_ ? cluster_->port : 0; }
const std::string& PgServer::user() const {
  static const std::string none;
  return cluster_ ? cluster_->user : none;
}

bool postgres_required() {
  const char* value = std::getenv("TRELLIS_REQUIRE_POSTGRES");
  return value != nullptr && std::string(value) == "1";
}

std::string PgServer::through_bouncer(const std::string& database_url, int pool_size,
                                      std::string* why) {
  if (!owned_) {
    *why = "PgBouncer only goes in front of this process' own server (PgServer::own())";
    return "";
  }
  const PgCluster& c = *cluster_;
  if (bouncer_port_ == 0) {
    const char* binary = "/usr/sbin/pgbouncer";
    if (access(binary, X_OK) != 0) {
      *why = "pgbouncer is not installed (Debian package pgbouncer)";
      return "";
    }
    const int port = c.port + 1000;
    write_file(c.dir + "/userlist.txt", "\"" + c.user + "\" \"\"\n");
    write_file(c.dir + "/pgbouncer.ini",
               "[databases]\n* = host=" + c.dir + " port=" + std::to_string(c.port) + "\n" +
                   "[pgbouncer]\nlisten_addr =\nlisten_port = " + std::to_string(port) +
                   "\nunix_socket_dir = " + c.dir + "\nauth_type = trust\nauth_file = " + c.dir +
                   "/userlist.txt\npool_mode = transaction\ndefault_pool_size = " +
                   std::to_string(pool_size) + "\nmax_client_conn = 500\nserver_reset_query =\n" +
                   "ignore_startup_parameters = extra_float_digits,options\nlogfile = " + c.dir +
                   "/pgbouncer.log\npidfile = " + c.dir + "/pgbouncer.pid\n");
    if (c.run_as) {
      for (const char* f : {"/userlist.txt", "/pgbouncer.ini"}) {
        if (chown((c.dir + f).c_str(), c.run_as->uid, c.run_as->gid) != 0) {
          *why = "cannot give the pgbouncer files to the postgres user";
          return "";
        }
      }
    }
    if (c.run({binary, "-d", c.dir + "/pgbouncer.ini"}, c.dir + "/pgbouncer.out") != 0) {
      *why = "pgbouncer did not start:\n" + tail_of(c.dir + "/pgbouncer.out") +
             tail_of(c.dir + "/pgbouncer.log");
      return "";
    }
    exit_work().bouncer_pidfile = c.dir + "/pgbouncer.pid";
    std::string socket = c.dir + "/.s.PGSQL." + std::to_string(port);
    for (int i = 0; i < 100 && access(socket.c_str(), F_OK) != 0; ++i) usleep(50000);
    bouncer_port_ = port;
  }
  std::string url = database_url;
  std::string from = "&port=" + std::to_string(c.port);
  std::size_t at = url.find(from);
  if (at == std::string::npos) {
    *why = "not a URL of this server: " + database_url;
    return "";
  }
  return url.replace(at, from.size(), "&port=" + std::to_string(bouncer_port_));
}

}  // namespace trellis_test
