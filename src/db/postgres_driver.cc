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
#include "db/pg_leftovers.h"
#include "db/pg_named_params.h"
#include "db/pg_split.h"
#include "db/pg_state.h"
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
  PostgresDriver(const std::string& conninfo, OpenMode mode, std::string state_schema)
      : mode_(mode),
        schema_(std::move(state_schema)),
        connection_(conninfo),
        state_(connection_, schema_),
        checkpoints_(connection_, schema_),
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

  void acquire_lock(Millis wait) override {
    pg::acquire_advisory_lock(connection_, lock_key_, wait,
                              "the trellis runner lock of schema \"" + schema_ + "\"");
  }
  void release_lock() override {
    if (!connection_.lost()) pg::release_advisory_lock(connection_, lock_key_);
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
  void set_session_timeouts(const Timeouts& timeouts) override {
    std::string sql = timeout_settings(timeouts, "SET");
    if (!sql.empty()) connection_.exec(sql);
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
  void save_checkpoint(const BackfillCheckpoint& c) override { checkpoints_.save(c); }
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

  std::vector<std::string> clean_leftovers(const Statement& statement) override {
    std::optional<pg::ConcurrentBuild> build = pg::concurrent_build_of(statement.sql);
    if (!build) return {};
    return pg::drop_leftovers(connection_, *build);
  }
  std::vector<std::string> find_leftovers() override {
    return pg::list_invalid_indexes(connection_);
  }

  void record(const StateRow& row, const HistoryEvent& event) override {
    connection_.exec(state_.record_sql(row, event));
  }
  // One simple-query message: if the bookkeeping fails, PostgreSQL skips the COMMIT after
  // it and the transaction stays open and aborted for the caller's rollback().
  void record_and_commit(const StateRow& row, const HistoryEvent& event) override {
    connection_.exec(state_.record_sql(row, event) + "\nCOMMIT;");
  }
  void forget(const std::string& id, const HistoryEvent& event) override {
    connection_.exec(state_.forget_sql(id, event));
  }

  std::string render_begin(const Timeouts& timeouts) const override {
    std::string settings = timeout_settings(timeouts, "SET LOCAL");
    return settings.empty() ? "BEGIN;" : "BEGIN; " + settings;
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
  OpenMode mode_;
  std::string schema_;
  pg::Connection connection_;
  pg::StateTables state_;
  pg::Checkpoints checkpoints_;
  std::int64_t lock_key_;
};

}  // namespace

std::unique_ptr<Driver> make_postgres_driver(const std::string& conninfo, OpenMode mode,
                                             const std::string& state_schema) {
  return std::make_unique<PostgresDriver>(conninfo, mode,
                                          state_schema.empty() ? "trellis" : state_schema);
}

std::int64_t postgres_round_trips(const Driver& driver) {
  const auto* postgres = dynamic_cast<const PostgresDriver*>(&driver);
  return postgres == nullptr ? -1 : postgres->round_trips();
}

}  // namespace trellis
