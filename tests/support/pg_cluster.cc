// pg_cluster.cc — initdb, start, restart and stop of the tests' PostgreSQL clusters.
#include "pg_cluster.h"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <vector>

#include "temp_dir.h"

namespace fs = std::filesystem;

namespace trellis_test {
namespace {

bool has_server_binaries(const fs::path& dir) {
  return access((dir / "initdb").c_str(), X_OK) == 0 &&
         access((dir / "pg_ctl").c_str(), X_OK) == 0 &&
         access((dir / "postgres").c_str(), X_OK) == 0;
}

std::string pg_config_bindir() {
  RunOptions options;
  options.program = "/bin/sh";
  options.args = {"-c", "pg_config --bindir 2>/dev/null"};
  options.timeout = milliseconds(10000);
  std::string out = run_process(options).out;
  return out.substr(0, out.find('\n'));
}

// pg_config --bindir first, then Debian's /usr/lib/postgresql/<version>/bin (newest
// first), then PATH.
std::string find_bindir() {
  std::vector<std::string> candidates{pg_config_bindir()};
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

void append(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::app);
  out << text;
}

bool fail(std::string* why, const std::string& text) {
  *why = text;
  return false;
}

// bindir, run_as and a fresh directory owned by the server's user.
bool prepare(PgCluster& cluster, std::string* why) {
  cluster.bindir = find_bindir();
  if (cluster.bindir.empty()) {
    return fail(why, "no PostgreSQL server binaries (initdb, pg_ctl, postgres) found via "
                     "pg_config --bindir, /usr/lib/postgresql/*/bin or PATH");
  }
  if (geteuid() == 0) {
    const passwd* pw = getpwnam("postgres");
    if (pw == nullptr) return fail(why, "running as root and there is no 'postgres' OS user");
    cluster.run_as = RunAsUser{pw->pw_uid, pw->pw_gid};
  }
  std::string pattern = temp_base() + "/trellis-pg-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) return fail(why, "cannot create a temporary directory");
  cluster.dir = pattern;
  if (cluster.run_as && chown(pattern.c_str(), cluster.run_as->uid, cluster.run_as->gid) != 0) {
    return fail(why, "cannot give " + cluster.dir + " to the postgres user");
  }
  return true;
}

bool init_and_start(const PgCluster& cluster, std::string* why) {
  const std::string log = cluster.dir + "/setup.log";
  const std::string server_log = cluster.dir + "/server.log";
  if (cluster.run({cluster.bindir + "/initdb", "-D", cluster.data(), "-U", cluster.user, "-A",
                   "trust", "-E", "UTF8", "--locale=C", "-N"},
                  log) != 0) {
    return fail(why, "initdb failed:\n" + tail_of(log));
  }
  append(cluster.data() + "/postgresql.conf",
         "\nlisten_addresses = ''\nunix_socket_directories = '" + cluster.dir +
             "'\nport = " + std::to_string(cluster.port) +
             "\nfsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
             "shared_buffers = 32MB\nmax_connections = 100\n");
  std::ofstream(cluster.data() + "/pg_hba.conf", std::ios::trunc)
      << "local all " << kPgPasswordRole << " scram-sha-256\nlocal all all trust\n"
      << "local replication all trust\n";  // for start_replica's pg_basebackup
  if (cluster.run({cluster.bindir + "/pg_ctl", "-D", cluster.data(), "-l", server_log, "-w",
                   "-t", "60", "start"},
                  log) != 0) {
    return fail(why, "pg_ctl start failed:\n" + tail_of(log) + tail_of(server_log));
  }
  return true;
}

}  // namespace

std::string PgCluster::url(const std::string& name) const {
  return "postgresql:///" + name + "?host=" + dir + "&port=" + std::to_string(port) +
         "&user=" + user;
}

int PgCluster::run(const std::vector<std::string>& argv, const std::string& log) const {
  RunOptions options;
  options.program = argv.at(0);
  options.args.assign(argv.begin() + 1, argv.end());
  options.run_as = run_as;
  options.output_file = log;
  options.timeout = milliseconds(120000);
  return run_process(options).exit_code;
}

std::optional<PgCluster> start_cluster(std::string* why) {
  PgCluster cluster;
  if (prepare(cluster, why) && init_and_start(cluster, why)) return cluster;
  if (!cluster.dir.empty()) stop_cluster(cluster);
  return std::nullopt;
}

std::optional<PgCluster> start_replica(const PgCluster& primary, const std::string& settings, std::string* why) {
  PgCluster replica;
  if (!prepare(replica, why)) {
    if (!replica.dir.empty()) stop_cluster(replica);
    return std::nullopt;
  }
  const std::string log = replica.dir + "/setup.log";
  const std::string server_log = replica.dir + "/server.log";
  bool ok = replica.run({primary.bindir + "/pg_basebackup", "-D", replica.data(), "-R", "-X", "stream", "-d",
                         "host=" + primary.dir + " port=" + std::to_string(primary.port) + " user=" + primary.user},
                        log) == 0;
  if (!ok) *why = "pg_basebackup failed:\n" + tail_of(log);
  if (ok) {
    append(replica.data() + "/postgresql.conf",
           "\nunix_socket_directories = '" + replica.dir + "'\nhot_standby = on\n" + settings + "\n");
    ok = replica.run({replica.bindir + "/pg_ctl", "-D", replica.data(), "-l", server_log, "-w", "-t", "60", "start"},
                     log) == 0;
    if (!ok) *why = "pg_ctl start of the replica failed:\n" + tail_of(log) + tail_of(server_log);
  }
  if (ok) return replica;
  stop_cluster(replica);
  return std::nullopt;
}

bool restart_cluster(const PgCluster& cluster, std::string* why) {
  std::string log = cluster.dir + "/restart.log";
  if (cluster.run({cluster.bindir + "/pg_ctl", "-D", cluster.data(), "-m", "immediate", "-w",
                   "-t", "60", "-l", cluster.dir + "/server.log", "restart"},
                  log) != 0) {
    return fail(why, "pg_ctl restart failed:\n" + tail_of(log));
  }
  return true;
}

void stop_cluster(const PgCluster& cluster) {
  if (file_exists(cluster.data() + "/postmaster.pid")) {
    cluster.run({cluster.bindir + "/pg_ctl", "-D", cluster.data(), "-m", "immediate", "-w",
                 "stop"},
                "/dev/null");
  }
  std::error_code ec;
  fs::remove_all(cluster.dir, ec);
}

std::string describe_cluster(const PgCluster& cluster) {
  std::ostringstream out;
  out << "dir=" << cluster.dir << "\nbindir=" << cluster.bindir << "\nuser=" << cluster.user
      << "\nport=" << cluster.port << "\n";
  if (cluster.run_as) out << "uid=" << cluster.run_as->uid << "\ngid=" << cluster.run_as->gid << "\n";
  return out.str();
}

std::optional<PgCluster> parse_cluster(const std::string& text) {
  std::map<std::string, std::string> values;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    auto eq = line.find('=');
    if (eq != std::string::npos) values[line.substr(0, eq)] = line.substr(eq + 1);
  }
  if (values["dir"].empty() || values["bindir"].empty() || values["port"].empty()) {
    return std::nullopt;
  }
  PgCluster cluster;
  cluster.dir = values["dir"];
  cluster.bindir = values["bindir"];
  cluster.user = values["user"];
  cluster.port = std::atoi(values["port"].c_str());
  if (!values["uid"].empty()) {
    cluster.run_as = RunAsUser{static_cast<uid_t>(std::atol(values["uid"].c_str())),
                               static_cast<gid_t>(std::atol(values["gid"].c_str()))};
  }
  return cluster;
}

std::string tail_of(const std::string& path, size_t limit) {
  std::ifstream in(path);
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return all.size() > limit ? all.substr(all.size() - limit) : all;
}

}  // namespace trellis_test
