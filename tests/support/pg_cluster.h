// pg_cluster.h — a PostgreSQL cluster the tests start and stop themselves: initdb into a
// fresh temporary directory (as the unprivileged `postgres` OS user when running as root),
// listening only on a Unix socket in that directory (no TCP port), durability off.
//
// Authentication is trust for every role except kPgPasswordRole, which must give its
// password (scram-sha-256): tests create that role to exercise wrong-password errors.
#pragma once

#include <optional>
#include <string>

#include "process.h"

namespace trellis_test {

constexpr const char* kPgPasswordRole = "trellis_pw";

struct PgCluster {
  std::string dir;      // the temporary directory: data/, the logs, the socket
  std::string bindir;   // initdb, pg_ctl, postgres
  std::string user = "postgres";  // the superuser
  int port = 5432;
  std::optional<RunAsUser> run_as;  // the OS user the server runs as, when not ourselves

  std::string data() const { return dir + "/data"; }
  // libpq URL of database `name` ("postgresql:///NAME?host=DIR&port=PORT&user=USER").
  std::string url(const std::string& name) const;
  // Runs a server program (pg_ctl, pgbouncer …) as the server's user, output appended to
  // `log`; its exit status (-1 if it did not exit).
  int run(const std::vector<std::string>& argv, const std::string& log) const;
};

// Creates and starts a new cluster under $TMPDIR; nullopt with the reason in *why (and
// nothing left behind) when it cannot.
std::optional<PgCluster> start_cluster(std::string* why);
// A hot standby of `primary` (pg_basebackup -R, streaming), in a directory of its own
// with `settings` appended to its postgresql.conf; nullopt with the reason in *why.
std::optional<PgCluster> start_replica(const PgCluster& primary, const std::string& settings, std::string* why);
// Immediate (crash-like) restart: every session is cut off.
bool restart_cluster(const PgCluster& cluster, std::string* why);
// Immediate stop; the directory is removed.
void stop_cluster(const PgCluster& cluster);

// The cluster as "key=value" lines, and back (for the file that announces the shared
// server of a test run); nullopt when `text` is not such a description.
std::string describe_cluster(const PgCluster& cluster);
std::optional<PgCluster> parse_cluster(const std::string& text);

// The last `limit` bytes of a log file, for failure messages.
std::string tail_of(const std::string& path, size_t limit = 1500);

}  // namespace trellis_test
