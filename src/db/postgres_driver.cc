// postgres_driver.cc — trellis::Driver on PostgreSQL through libpq.
//
// State lives in <state_schema>.migrations and <state_schema>.history; the runner lock is a
// session-level advisory lock keyed on the schema name. Per transactional migration the
// driver costs 2 round trips besides the statements themselves: begin (BEGIN + SET LOCAL
// timeouts), and record + commit (upsert, history insert and COMMIT in one message).
#include "db/postgres_driver.h"

#include <algorithm>
#include <memory>
#include <string>

#include "db/advisory_lock.h"
#include "db/drivers.h"
#include "db/libpq_api.h"
#include "db/pg_checkpoints.h"
#include "db/pg_connection.h"
#include "db/pg_lease.h"
#include "db/pg_leftovers.h"
#include "sql/pg_named_params.h"
#include "db/pg_outside.h"
#include "sql/pg_split.h"
#include "db/pg_state.h"
#include "sql/pg_traits.h"
#include "trellis/error.h"

namespace trellis {
namespace {

std::string timeout_value(Millis value) { return "'" + std::to_string(value.count()) + "ms'"; }

// "SET LOCAL lock_timeout = '3000ms'; " etc. for the timeouts that are set.
std::string timeout_settings(const Timeouts& timeouts, const char* set) {
  std::string sql;
  if (timeouts.lock_timeout) {
    sql += std::string(set) + " lock_timeout = " + timeout_value(*timeouts.lock_timeout) + ";";
  }
  if (timeouts.statement_timeout) {
    if (!sql.empty()) sql += " ";
    sql += std::string(set) + " statement_timeout = " +
           timeout_value(*timeouts.statement_timeout) + ";";
  }
  return sql;
}

class PostgresDriver final : public Driver {
 public:
  PostgresDriver(const std::string& conninfo, OpenMode mode, const DriverOptions& options)
      : mode_(mode),
        schema_(options.state_schema.empty() ? "trellis" : options.state_schema),
        lock_mode_(options.runner_lock),
        connection_(conninfo),
        state_(connection_, schema_),
        checkpoints_(connection_, schema_),
        lease_(conninfo, connection_, connection_.identifier(schema_), options.lease_ttl),
        lock_key_(pg::advisory_key("trellis runner " + schema_)) {}

  std::string_view dialect() const override { return "postgres"; }
  std::string display_target() const override { return connection_.target(); }

  void ensure_state() override {
    if (mode_ == OpenMode::kReadOnly) return;
    state_.ensure();
    checkpoints_.ensure();
  }
  std::vector<StateRow> load_state() override { return state_.load_rows(); }
  std::vector<HistoryEvent> load_history() override { return state_.load_history(); }

  void acquire_lock(Millis wait, const LockWaitReport& on_wait) override {
    const std::string what = "the trellis runner lock of schema \"" + schema_ + "\"";
    if (use_lease()) {
      lease_.acquire(wait, on_wait, what);
    } else {
      pg::acquire_advisory_lock(connection_, lock_key_, wait, what, on_wait);
      advisory_held_ = true;
    }
  }
  void release_lock() override {
    lease_.release();
    if (advisory_held_ && !connection_.lost()) pg::release_advisory_lock(connection_, lock_key_);
    advisory_held_ = false;
  }
  std::string lock_description() const override {
    if (lock_mode_ == "auto" && pooled_) {
      return "lease (the connection goes through a pooler or proxy, so no session lock)";
    }
    return lease_.held() || lock_mode_ == "lease" ? "lease" : "advisory lock";
  }

  void begin(const Timeouts& timeouts) override {
    try {
      connection_.exec(render_begin(timeouts));
    } catch (const SqlError&) {
      rollback();
      throw;
    }
  }
  void commit() override { connection_.exec("COMMIT"); }
  void rollback() override {
    if (connection_.lost()) return;
    try {
      connection_.exec("ROLLBACK");
    } catch (const Error&) {
      // Remembered by the connection's state; nothing more to undo.
    }
  }
  std::string connection_note() override {
    if (!pooled()) return "";
    return "the connection goes through a pooler or proxy (its end is not the server's): "
           "apply takes the runner lock as a lease" +
           std::string(lock_mode_ == "advisory" ? ", but runner_lock = \"advisory\" forces the "
                                                  "session lock, which a transaction pooler breaks"
                                                : "");
  }
  bool set_session_timeouts(const Timeouts& timeouts) override {
    if (pooled()) return false;  // a SET would stay on a pooled server connection
    std::string sql = timeout_settings(timeouts, "SET");
    if (!sql.empty()) connection_.exec(sql);
    return true;
  }

  // Backfill bodies use :lo/:hi/:size, which the parser rejects: split a copy with "$1"
  // in their place (same length) and cut the statements out of the original text.
  std::vector<Statement> split(std::string_view sql, int first_line) override {
    std::string masked = pg::mask_named_params(sql);
    if (masked == sql) return pg::split_statements(sql, first_line);
    auto statements = pg::split_statements(masked, first_line);
    auto params = pg::find_named_params(sql);
    std::size_t cursor = 0;
    for (auto& st : statements) {
      std::size_t at = masked.find(st.sql, cursor);
      if (at == std::string::npos) continue;
      std::size_t end = at + st.sql.size();
      for (const auto& p : params) {  // the split trimmed the padding of a trailing "$1  "
        if (p.offset < end && end < p.offset + p.length) end = p.offset + p.length;
      }
      st.sql = std::string(sql.substr(at, end - at));
      cursor = end;
    }
    return statements;
  }
  StatementTraits traits(const Statement& statement) override {
    return pg::statement_traits(statement.sql, connection_.server_version());
  }
  std::int64_t execute(const Statement& statement) override {
    pg::Result result = connection_.exec(statement.sql);
    const char* tuples = pg::libpq().PQcmdTuples(result.get());
    return tuples == nullptr || *tuples == '\0' ? 0 : std::stoll(tuples);
  }
  std::int64_t execute_with(const Statement& statement, const std::vector<BoundParam>& params) override {
    pg::PositionalSql positional = pg::to_positional(statement.sql);
    std::vector<pg::Value> values;
    for (const auto& name : positional.names) {
      auto it = std::find_if(params.begin(), params.end(), [&](const BoundParam& p) { return p.name == name; });
      if (it == params.end()) {
        throw SqlError("unknown parameter :" + name + " (a backfill body may use :lo, :hi and :size)", "42P02",
                       false, false);
      }
      values.emplace_back(it->value);
    }
    pg::Result result = connection_.exec_params(positional.sql, values);
    const char* tuples = pg::libpq().PQcmdTuples(result.get());
    return tuples == nullptr || *tuples == '\0' ? 0 : std::stoll(tuples);
  }
  // Fenced like every bookkeeping write (the backfill runner saves inside the batch's
  // transaction, so the batch cannot commit once the lease is lost).
  void save_checkpoint(const BackfillCheckpoint& c) override {
    std::string fence = lease_.fence_sql();
    if (!fence.empty()) write(c.id, fence);
    checkpoints_.save(c);
  }
  std::vector<BackfillCheckpoint> load_checkpoints() override { return checkpoints_.load(); }
  bool request_pause(const std::string& id, PauseRequest request) override {
    return checkpoints_.request_pause(id, request);
  }

  std::optional<std::string> query_scalar(const std::string& sql) override {
    const auto& pq = pg::libpq();
    pg::Result result = connection_.exec(sql);
    if (pq.PQntuples(result.get()) == 0 || pq.PQnfields(result.get()) == 0) return std::nullopt;
    if (pq.PQgetisnull(result.get(), 0, 0)) return std::nullopt;
    return std::string(pq.PQgetvalue(result.get(), 0, 0));
  }

  // A statement outside a transaction cannot be fenced: check the lease just before it,
  // so a runner that stalled past its lease does not build or drop anything.
  OutsideVerdict before_outside(const Statement& statement, bool may_have_run) override {
    std::string fence = lease_.fence_sql();
    if (!fence.empty()) write("its next statement", fence);
    return pg::judge_outside(connection_, statement.sql, may_have_run);
  }
  std::vector<std::string> find_leftovers() override {
    return pg::list_invalid_indexes(connection_);
  }

  void record(const StateRow& row, const HistoryEvent& event) override {
    write(row.id, lease_.fence_sql() + state_.record_sql(row, event));
  }
  // One simple-query message: if the bookkeeping fails, PostgreSQL skips the COMMIT after
  // it and the transaction stays open and aborted for the caller's rollback().
  void record_and_commit(const StateRow& row, const HistoryEvent& event) override {
    write(row.id, lease_.fence_sql() + state_.record_sql(row, event) + "\nCOMMIT;");
  }
  void record_guarded(const StateRow& row, const HistoryEvent& event, RowGuard guard) override {
    write(row.id, lease_.fence_sql() + state_.guarded_record_sql(row, event, guard.expected_done, guard.expected_started));
  }
  void record_guarded_and_commit(const StateRow& row, const HistoryEvent& event,
                                 RowGuard guard) override {
    write(row.id, lease_.fence_sql() + state_.guarded_record_sql(row, event, guard.expected_done, guard.expected_started) +
                      "\nCOMMIT;");
  }
  void forget(const std::string& id, const HistoryEvent& event) override {
    write(id, lease_.fence_sql() + state_.forget_sql(id, event));
  }

  // With the lease, transactions are READ COMMITTED whatever default_transaction_isolation
  // says: the fence must see the lease row as it is now, not as a snapshot taken when the
  // transaction began (and a heartbeat's renewal must not be a serialization failure).
  std::string render_begin(const Timeouts& timeouts) const override {
    std::string begin = lease_.held() ? "BEGIN ISOLATION LEVEL READ COMMITTED;" : "BEGIN;";
    std::string settings = timeout_settings(timeouts, "SET LOCAL");
    return settings.empty() ? begin : begin + " " + settings;
  }
  std::string render_record(const StateRow& row, const HistoryEvent& event) const override {
    return state_.record_sql(row, event);
  }
  std::string render_commit() const override { return "COMMIT;"; }
  std::string render_state_ddl() const override { return state_.ddl() + "\n" + checkpoints_.ddl(); }
  std::string render_forget(const std::string& id, const HistoryEvent& event) const override {
    return state_.forget_sql(id, event);
  }

  std::int64_t round_trips() const { return connection_.round_trips(); }

 private:
  // Whether something (a pooler, a proxy, a port mapping) stands between this runner and
  // the server, so that a session is not this runner's own: libpq's end of the connection
  // is not the server's end (socket directory and port, or address and port).
  bool pooled() {
    if (pooled_known_) return pooled_;
    pooled_known_ = true;
    pooled_ = true;  // what cannot be shown direct is treated as pooled: the lease is safe
    try {
      // unix_socket_directories is readable by superusers only: pg_settings hides its row
      // from others instead of failing, and then the port alone decides.
      pg::Result r = connection_.exec(
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
  bool is_direct(const pg::Result& r) const {
    std::string host = connection_.host();
    if (!host.empty() && host[0] == '/') {
      std::string dirs;
      for (char c : "," + pg::text_at(r, 0, 3) + ",") {
        if (c != ' ') dirs += c;
      }
      bool dir_ok = dirs == ",," || dirs.find("," + host + ",") != std::string::npos;
      return pg::text_at(r, 0, 0).empty() && pg::text_at(r, 0, 2) == connection_.port() && dir_ok;
    }
    return pg::text_at(r, 0, 0) == connection_.hostaddr() && pg::text_at(r, 0, 1) == connection_.port();
  }
  bool use_lease() { return lock_mode_ == "lease" || (lock_mode_ == "auto" && pooled()); }

  // A bookkeeping write; a guard or fence that refuses it becomes Error(kLock) naming the
  // migration, after the transaction is rolled back.
  void write(const std::string& id, const std::string& sql) {
    try {
      connection_.exec(sql);
    } catch (const SqlError& e) {
      if (e.sqlstate() == pg::StateTables::kConflictState) {
        rollback();
        std::string now = state_.describe_row(id);
        throw Error(ErrorKind::kLock,
                    "migration " + id + " was recorded by another runner while this one was "
                    "running it (its row now: " + (now.empty() ? "gone" : now) + "); this "
                    "runner's uncommitted work on it was rolled back",
                    "two runners worked on " + connection_.target() + " at once" +
                        (lease_.held() ? "; apply again: the state it finds is the truth"
                                       : "; the runner lock is not effective on this connection "
                                         "(runner_lock = \"" + lock_mode_ + "\"): through a pooler "
                                         "use runner_lock = \"lease\""));
      }
      if (e.sqlstate() == pg::Lease::kLostState) {
        rollback();
        throw Error(ErrorKind::kLock,
                    "lost the runner lease on " + connection_.target() + " before " +
                        (id == "its next statement" ? id : "recording " + id) +
                        ": it expired or another runner took it over; this runner's "
                        "uncommitted work was rolled back",
                    "a runner that stalls for longer than lease_ttl loses the lock; raise "
                    "lease_ttl if the stall was expected, then apply again");
      }
      throw;
    }
  }

  OpenMode mode_;
  std::string schema_;
  std::string lock_mode_;
  pg::Connection connection_;
  pg::StateTables state_;
  pg::Checkpoints checkpoints_;
  pg::Lease lease_;
  std::int64_t lock_key_;
  bool advisory_held_ = false;
  bool pooled_known_ = false, pooled_ = false;
};

}  // namespace

std::unique_ptr<Driver> make_postgres_driver(const std::string& conninfo, OpenMode mode,
                                             const DriverOptions& options) {
  return std::make_unique<PostgresDriver>(conninfo, mode, options);
}

std::unique_ptr<Driver> make_postgres_driver(const std::string& conninfo, OpenMode mode,
                                             const std::string& state_schema) {
  DriverOptions options;
  options.state_schema = state_schema;
  return make_postgres_driver(conninfo, mode, options);
}

std::int64_t postgres_round_trips(const Driver& driver) {
  const auto* postgres = dynamic_cast<const PostgresDriver*>(&driver);
  return postgres == nullptr ? -1 : postgres->round_trips();
}

}  // namespace trellis
