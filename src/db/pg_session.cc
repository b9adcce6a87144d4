// pg_session.cc — the PostgreSQL backend's Connection, and what its seams share.
#include <algorithm>

#include "db/libpq_api.h"
#include "db/pg_backend.h"
#include "sql/pg_named_params.h"
#include "trellis/error.h"

namespace trellis::pg {
namespace {

std::string timeout_value(Millis value) { return "'" + std::to_string(value.count()) + "ms'"; }

std::int64_t changed_rows(const Result& result) {
  const char* tuples = libpq().PQcmdTuples(result.get());
  return tuples == nullptr || *tuples == '\0' ? 0 : std::stoll(tuples);
}

}  // namespace

std::string timeout_settings(const Timeouts& timeouts, const char* set) {
  std::string sql;
  if (timeouts.lock_timeout) {
    sql += std::string(set) + " lock_timeout = " + timeout_value(*timeouts.lock_timeout) + ";";
  }
  if (timeouts.statement_timeout) {
    if (!sql.empty()) sql += " ";
    sql += std::string(set) + " statement_timeout = " + timeout_value(*timeouts.statement_timeout) + ";";
  }
  return sql;
}

// With the lease, transactions are READ COMMITTED whatever default_transaction_isolation
// says: the fence must see the lease row as it is now, not as a snapshot taken when the
// transaction began (and a heartbeat's renewal must not be a serialization failure).
std::string begin_sql(bool lease_held, const Timeouts& timeouts) {
  std::string begin = lease_held ? "BEGIN ISOLATION LEVEL READ COMMITTED;" : "BEGIN;";
  std::string settings = timeout_settings(timeouts, "SET LOCAL");
  return settings.empty() ? begin : begin + " " + settings;
}

Shared::Shared(const std::string& conninfo, OpenMode open_mode, const DriverOptions& options)
    : mode(open_mode),
      schema(options.state_schema.empty() ? "trellis" : options.state_schema),
      lock_mode(options.runner_lock),
      connection(conninfo),
      state(connection, schema),
      checkpoints(connection, schema),
      lease(conninfo, connection, connection.identifier(schema), options.lease_ttl) {}

void Shared::rollback() {
  if (connection.lost()) return;
  try {
    connection.exec("ROLLBACK");
  } catch (const Error&) {
    // Remembered by the connection's state; nothing more to undo.
  }
}

bool Shared::pooled() {
  if (pooled_known_) return pooled_;
  pooled_known_ = true;
  pooled_ = true;  // what cannot be shown direct is treated as pooled: the lease is safe
  try {
    // unix_socket_directories is readable by superusers only: pg_settings hides its row
    // from others instead of failing, and then the port alone decides.
    Result r = connection.exec(
        "SELECT coalesce(host(inet_server_addr()), ''), coalesce(inet_server_port()::text, ''), "
        "current_setting('port'), coalesce((SELECT setting FROM pg_settings "
        "WHERE name = 'unix_socket_directories'), '')");
    pooled_ = !is_direct(r);
  } catch (const SqlError& e) {
    if (e.connection_lost()) throw;
  }
  return pooled_;
}

// libpq's end of the connection is the server's own: the same socket directory (when
// visible) and port, or the same address and port.
bool Shared::is_direct(const Result& r) const {
  std::string host = connection.host();
  if (!host.empty() && host[0] == '/') {
    std::string dirs;
    for (char c : "," + text_at(r, 0, 3) + ",") {
      if (c != ' ') dirs += c;
    }
    bool dir_ok = dirs == ",," || dirs.find("," + host + ",") != std::string::npos;
    return text_at(r, 0, 0).empty() && text_at(r, 0, 2) == connection.port() && dir_ok;
  }
  return text_at(r, 0, 0) == connection.hostaddr() && text_at(r, 0, 1) == connection.port();
}

void Shared::write(const std::string& id, const std::string& sql) {
  try {
    connection.exec(sql);
  } catch (const SqlError& e) {
    if (e.sqlstate() == StateTables::kConflictState) {
      rollback();
      std::string now = state.describe_row(id);
      throw Error(ErrorKind::kLock,
                  "migration " + id + " was recorded by another runner while this one was "
                  "running it (its row now: " + (now.empty() ? "gone" : now) + "); this "
                  "runner's uncommitted work on it was rolled back",
                  "two runners worked on " + connection.target() + " at once" +
                      (lease.held() ? "; apply again: the state it finds is the truth"
                                    : "; the runner lock is not effective on this connection "
                                      "(runner_lock = \"" + lock_mode + "\"): through a pooler "
                                      "use runner_lock = \"lease\""));
    }
    if (e.sqlstate() == Lease::kLostState) {
      rollback();
      throw Error(ErrorKind::kLock,
                  "lost the runner lease on " + connection.target() + " before " +
                      (id == "its next statement" ? id : "recording " + id) +
                      ": it expired or another runner took it over; this runner's "
                      "uncommitted work was rolled back",
                  "a runner that stalls for longer than lease_ttl loses the lock; raise "
                  "lease_ttl if the stall was expected, then apply again");
    }
    throw;
  }
}

std::string Session::note() {
  if (!s_.pooled()) return "";
  return "the connection goes through a pooler or proxy (its end is not the server's): "
         "apply takes the runner lock as a lease" +
         std::string(s_.lock_mode == "advisory" ? ", but runner_lock = \"advisory\" forces the "
                                                  "session lock, which a transaction pooler breaks"
                                                : "");
}

void Session::begin(const Timeouts& timeouts) {
  try {
    s_.connection.exec(begin_sql(s_.lease.held(), timeouts));
  } catch (const SqlError&) {
    rollback();
    throw;
  }
}

bool Session::set_session_timeouts(const Timeouts& timeouts) {
  if (s_.pooled()) return false;  // a SET would stay on a pooled server connection
  std::string sql = timeout_settings(timeouts, "SET");
  if (!sql.empty()) s_.connection.exec(sql);
  return true;
}

std::int64_t Session::execute(const Statement& statement) {
  return changed_rows(s_.connection.exec(statement.sql));
}

std::int64_t Session::execute_with(const Statement& statement, const std::vector<BoundParam>& params) {
  PositionalSql positional = to_positional(statement.sql);
  std::vector<Value> values;
  for (const auto& name : positional.names) {
    auto it = std::find_if(params.begin(), params.end(), [&](const BoundParam& p) { return p.name == name; });
    if (it == params.end()) {
      throw SqlError("unknown parameter :" + name + " (a backfill body may use :lo, :hi and :size)", "42P02",
                     false, false);
    }
    values.emplace_back(it->value);
  }
  return changed_rows(s_.connection.exec_params(positional.sql, values));
}

Rows Session::query(const std::string& sql) {
  const auto& pq = libpq();
  Result result = s_.connection.exec(sql);
  Rows out;
  const int columns = pq.PQnfields(result.get());
  for (int c = 0; c < columns; ++c) out.columns.emplace_back(pq.PQfname(result.get(), c));
  for (int r = 0; r < pq.PQntuples(result.get()); ++r) {
    auto& row = out.rows.emplace_back();
    for (int c = 0; c < columns; ++c) {
      if (pq.PQgetisnull(result.get(), r, c)) row.emplace_back(std::nullopt);
      else row.emplace_back(std::string(pq.PQgetvalue(result.get(), r, c)));
    }
  }
  return out;
}

}  // namespace trellis::pg
