// pg_ledger_fixture.h — the set-up shared by the PostgreSQL exactly-once tests: a fresh
// database with a table `t` of 5,000 rows (to build indexes on) and an empty `ledger`
// (where migrations leave one row per statement run), a project whose environment "dev"
// points at it with `defaults_toml` in [defaults], and ways to look at trellis' backend.
// The database is on the run's shared server, or on the process' own one for a test that
// restarts it (`own_server`).
#pragma once

#include <string>

#include "harness.h"
#include "pg_server.h"

namespace trellis_test {

template <class Base>
class PgLedgerFixture : public Base {
 protected:
  void set_up(const std::string& defaults_toml, bool own_server = false) {
    if (own_server) {
      TRELLIS_REQUIRE_OWN_PG_OR_SKIP(server);
      server_ = server;
    } else {
      TRELLIS_REQUIRE_PG_OR_SKIP(server);
      server_ = server;
    }
    db_ = make_pg_db(*server_);
    project_.write("trellis.toml", "[defaults]\n" + defaults_toml + "\n[env.dev]\ndatabase = \"" +
                                       db_->url() + "\"\n");
    db_->query("CREATE TABLE t (a int)");
    db_->query("INSERT INTO t SELECT generate_series(1, 5000)");
    db_->query("CREATE TABLE ledger (v text)");
  }

  std::string scalar(const std::string& sql) {
    auto rows = db_->query(sql);
    return rows.empty() ? "" : rows[0];
  }
  // The pid of trellis' backend while it runs a migration's statement containing `text`
  // (not trellis' own look at the catalogs, which may name the same words), or "".
  std::string backend_pid(const std::string& text) {
    return scalar("SELECT coalesce(min(pid)::text, '') FROM pg_stat_activity WHERE datname = "
                  "current_database() AND application_name = 'trellis' AND query LIKE '%" +
                  text + "%' AND query NOT LIKE '%pg_catalog%' AND query NOT LIKE '%pg_stat%' "
                  "AND state = 'active'");
  }

  PgServer* server_ = nullptr;
  TestProject project_;
  std::unique_ptr<TestDb> db_;
};

}  // namespace trellis_test
