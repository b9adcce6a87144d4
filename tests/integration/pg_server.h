// pg_server.h — a private PostgreSQL server for the integration tests.
//
// The first call to PgServer::get() starts one server for the whole test process:
// initdb into a fresh temporary directory (as an unprivileged OS user when running as
// root), listening only on a Unix socket in that directory (and no TCP port), stopped and
// removed at process exit, also when tests fail. If it cannot start, get() returns
// nullptr and reason() says why: PostgreSQL tests then GTEST_SKIP() with that reason,
// unless TRELLIS_REQUIRE_POSTGRES=1 is set (as in CI), in which case they fail.
//
// Authentication is trust for every role except kPasswordRole, which must give its
// password (scram-sha-256): tests create that role to exercise wrong-password errors.
// A test that forks must leave the child with _exit(), or the child's exit would stop
// the server (cleanup only runs in the process that started it, but stay safe).
#pragma once

#include <string>
#include <vector>

namespace trellis_test {

class PgServer {
 public:
  static constexpr const char* kPasswordRole = "trellis_pw";

  static PgServer* get();
  static const std::string& reason();

  // A new, empty database with a unique name; returns its libpq URL
  // ("postgresql:///NAME?host=SOCKETDIR&port=PORT&user=USER").
  std::string create_database();
  // Runs `sql` on the database at `url`; returns rows, columns joined by '|'.
  // Throws std::runtime_error on error.
  std::vector<std::string> query(const std::string& url, const std::string& sql);
  // Restarts the server with an immediate (crash-like) stop: every session is cut off.
  // Returns false (with the reason in *why) if it did not come back.
  bool restart(std::string* why);
  // Starts (once) a PgBouncer in front of this server, pool_mode = transaction with
  // default_pool_size = `pool_size`, on a Unix socket only; returns the URL of database
  // `name` through it, or "" with the reason in *why (pgbouncer not installed, …).
  std::string through_bouncer(const std::string& database_url, int pool_size, std::string* why);

  // Directory of the Unix socket, port, and the superuser name.
  const std::string& socket_dir() const;
  int port() const;
  const std::string& user() const;

 private:
  PgServer() = default;
  friend class PgServerStarter;

  std::string dir_;       // the temporary directory: data/, server.log, the socket
  std::string bindir_;    // initdb, pg_ctl
  std::string user_ = "postgres";
  int port_ = 5432;
  int bouncer_port_ = 0;  // 0 until started
  int databases_ = 0;
};

}  // namespace trellis_test

// Skips the current test when no server is available (fails instead when
// TRELLIS_REQUIRE_POSTGRES=1).
#define TRELLIS_REQUIRE_PG_OR_SKIP(server_var)                                     \
  ::trellis_test::PgServer* server_var = ::trellis_test::PgServer::get();          \
  if (server_var == nullptr) {                                                     \
    if (::trellis_test::postgres_required()) {                                     \
      FAIL() << "PostgreSQL required but unavailable: "                            \
             << ::trellis_test::PgServer::reason();                                \
    }                                                                              \
    GTEST_SKIP() << "PostgreSQL unavailable: " << ::trellis_test::PgServer::reason(); \
  }

namespace trellis_test {
bool postgres_required();
}
