// pg_server.h — the PostgreSQL servers of the integration tests.
//
// get() is the server the whole test run shares, found in this order:
//   1. TRELLIS_TEST_PG_URL: an external server (a libpq URL of a role that may create
//      databases); the tests never start or stop it.
//   2. The file TRELLIS_TEST_PG_SHARED names (CTest sets it): the server the CTest fixture
//      test `pg_server_start` started once for the run (tests/support/pg_fixture_main.cc)
//      and `pg_server_stop` stops.
//   3. Otherwise (a test binary run by hand) the process' own server, own().
// Every test gets its own database on it (create_database(), cloned from a template) and
// drops the databases it created when its process exits.
//
// own() is a server of this process alone, started on first use (pg_cluster.h), stopped and
// removed at process exit, also when tests fail. Tests that restart the server, put a
// PgBouncer in front of it, create roles or need its socket address use it.
//
// If the server cannot start, get()/own() return nullptr and reason() says why:
// PostgreSQL tests then GTEST_SKIP() with that reason, unless TRELLIS_REQUIRE_POSTGRES=1
// is set (as in CI), in which case they fail. A test that forks must leave the child with
// _exit() (exit handlers only act in the process that set them up, but stay safe).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "pg_cluster.h"

namespace trellis_test {

class PgServer {
 public:
  static constexpr const char* kPasswordRole = kPgPasswordRole;

  static PgServer* get();
  static PgServer* own();
  // get() when it is a server the tests started (its socket address is known), else own().
  static PgServer* local();
  static const std::string& reason();

  // A new database with a unique name, cloned from the server's template; its libpq URL.
  std::string create_database();
  // Runs `sql` on the database at `url`; returns rows, columns joined by '|'.
  // Throws std::runtime_error on error.
  static std::vector<std::string> query(const std::string& url, const std::string& sql);
  // Restarts the server with an immediate (crash-like) stop: every session is cut off.
  // Returns false (with the reason in *why) if it did not come back or is not own().
  bool restart(std::string* why);
  // Starts (once) a PgBouncer in front of this server (own() only), pool_mode =
  // transaction with default_pool_size = `pool_size`, on a Unix socket only; returns the
  // URL of `database_url`'s database through it, or "" with the reason in *why.
  std::string through_bouncer(const std::string& database_url, int pool_size, std::string* why);

  // Directory of the Unix socket, port, and the superuser name ("" / 0 for an external
  // server).
  const std::string& socket_dir() const;
  int port() const;
  const std::string& user() const;
  // The directory of the server's programs (pg_dump is there, of the server's version);
  // "" for an external server.
  const std::string& bindir() const;

 private:
  PgServer() = default;
  friend class PgServers;

  std::string database_url(const std::string& name) const;

  std::optional<PgCluster> cluster_;  // a server the tests started (empty: external)
  std::string external_url_;          // TRELLIS_TEST_PG_URL
  std::string template_ = "template1";
  bool owned_ = false;                // started by this process, stopped at its exit
  int bouncer_port_ = 0;              // 0 until started
  int databases_ = 0;
};

bool postgres_required();

}  // namespace trellis_test

// Skips the current test when no server is available (fails instead when
// TRELLIS_REQUIRE_POSTGRES=1). `getter` is get or own.
#define TRELLIS_PG_OR_SKIP_(server_var, getter)                                       \
  ::trellis_test::PgServer* server_var = ::trellis_test::PgServer::getter();          \
  if (server_var == nullptr) {                                                        \
    if (::trellis_test::postgres_required()) {                                        \
      FAIL() << "PostgreSQL required but unavailable: "                               \
             << ::trellis_test::PgServer::reason();                                   \
    }                                                                                 \
    GTEST_SKIP() << "PostgreSQL unavailable: " << ::trellis_test::PgServer::reason(); \
  }
// The shared server of the test run.
#define TRELLIS_REQUIRE_PG_OR_SKIP(server_var) TRELLIS_PG_OR_SKIP_(server_var, get)
// A server of this test's process alone (to restart, reconfigure, or put PgBouncer before).
#define TRELLIS_REQUIRE_OWN_PG_OR_SKIP(server_var) TRELLIS_PG_OR_SKIP_(server_var, own)
// A server whose Unix socket the test may address directly.
#define TRELLIS_REQUIRE_LOCAL_PG_OR_SKIP(server_var) TRELLIS_PG_OR_SKIP_(server_var, local)
