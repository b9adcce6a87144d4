// pg_backend.h — the PostgreSQL backend's seams (trellis/driver.h) and what they share:
// one libpq connection, the lease (pg_lease.h) and whether a pooler stands in between.
// postgres_driver.cc composes them; each seam's code is in its own file.
#pragma once

#include <string>

#include "db/pg_checkpoints.h"
#include "db/pg_connection.h"
#include "db/pg_lease.h"
#include "db/pg_state.h"
#include "trellis/driver.h"
#include "trellis/error.h"

namespace trellis::pg {

// What the seams of one PostgreSQL database share.
struct Shared {
  Shared(const std::string& conninfo, OpenMode mode, const DriverOptions& options);

  // Whether something (a pooler, a proxy, a port mapping) stands between this runner and
  // the server, so that a session is not this runner's own (asked once, then remembered).
  bool pooled();
  // pooled() as far as it was asked (false before).
  bool pooled_if_known() const { return pooled_known_ && pooled_; }
  // runner_lock = "lease", or "auto" through a pooler.
  bool use_lease() { return lock_mode == "lease" || (lock_mode == "auto" && pooled()); }
  // Runs a bookkeeping write; a guard or fence that refuses it becomes Error(kLock)
  // naming the migration `id`, after the transaction is rolled back.
  void write(const std::string& id, const std::string& sql);
  void rollback();

  OpenMode mode;
  std::string schema;
  std::string lock_mode;
  Connection connection;
  StateTables state;
  Checkpoints checkpoints;
  Lease lease;

 private:
  bool is_direct(const Result& r) const;
  bool pooled_known_ = false, pooled_ = false;
};

// Connection: statements, queries, transactions (pg_session.cc).
class Session final : public trellis::Connection {
 public:
  explicit Session(Shared& s) : s_(s) {}
  std::string display_target() const override { return s_.connection.target(); }
  std::string note() override;
  void begin(const Timeouts& timeouts) override;
  void commit() override { s_.connection.exec("COMMIT"); }
  void rollback() override { s_.rollback(); }
  bool set_session_timeouts(const Timeouts& timeouts) override;
  std::int64_t execute(const Statement& statement) override;
  std::int64_t execute_with(const Statement& statement, const std::vector<BoundParam>& params) override;
  Rows query(const std::string& sql) override;

 private:
  Shared& s_;
};

// StateStore: <schema>.migrations, .history and .backfills; every write fenced by the
// lease when it is held (pg_store.cc).
class Store final : public StateStore {
 public:
  explicit Store(Shared& s) : s_(s) {}
  void ensure() override;
  std::vector<StateRow> load_rows() override { return s_.state.load_rows(); }
  std::vector<HistoryEvent> load_history() override { return s_.state.load_history(); }
  void record(const StateRow& row, const HistoryEvent& event) override;
  void record_and_commit(const StateRow& row, const HistoryEvent& event) override;
  void record_guarded(const StateRow& row, const HistoryEvent& event, RowGuard guard) override;
  void record_guarded_and_commit(const StateRow& row, const HistoryEvent& event, RowGuard guard) override;
  void forget(const std::string& id, const HistoryEvent& event) override;
  void save_checkpoint(const BackfillCheckpoint& c) override;
  std::vector<BackfillCheckpoint> load_checkpoints() override { return s_.checkpoints.load(); }
  bool request_pause(const std::string& id, PauseRequest request) override {
    return s_.checkpoints.request_pause(id, request);
  }
  bool remove_checkpoint(const std::string& id) override;
  std::string render_ddl() const override { return s_.state.ddl() + "\n" + s_.checkpoints.ddl(); }
  std::string render_record(const StateRow& row, const HistoryEvent& event) const override {
    return s_.state.record_sql(row, event);
  }
  std::string render_forget(const std::string& id, const HistoryEvent& event) const override {
    return s_.state.forget_sql(id, event);
  }

 private:
  Shared& s_;
};

// RunnerLock: a session advisory lock on a direct connection, the lease otherwise
// (pg_runner_lock.cc).
class ServerLock final : public RunnerLock {
 public:
  explicit ServerLock(Shared& s);
  void acquire(Millis wait, const LockWaitReport& on_wait) override;
  void release() override;
  bool held_by_a_runner() override;
  std::string description() const override;

 private:
  Shared& s_;
  std::int64_t key_;
  bool advisory_held_ = false;
};

// Dialect and Catalog: libpg_query's split and traits, concurrent builds judged on the
// connection (pg_dialect.cc).
class PgDialect final : public SqlDialect, public Catalog {
 public:
  explicit PgDialect(Shared& s) : s_(s) {}
  std::string_view name() const override { return "postgres"; }
  std::vector<Statement> split(std::string_view sql, int first_line) override;
  StatementTraits traits(const Statement& statement) override;
  OutsideVerdict before_outside(const Statement& statement, bool may_have_run) override;
  std::vector<std::string> find_leftovers() override;
  std::string render_begin(const Timeouts& timeouts) const override;
  std::string render_commit() const override { return "COMMIT;"; }
  std::string render_session_timeouts(const Timeouts& timeouts) const override;
  std::string render_session_reset(const Timeouts& timeouts) const override;
  std::optional<std::int64_t> estimated_rows(const std::string& table) override;
  SchemaModel read_schema() override;  // pg_schema.h
  std::optional<int> server_major_version() override;
  std::string wal_position() override;                                   // pg_replicas.cc
  std::vector<ReplicaPosition> replicas(const std::string& position) override;  // pg_replicas.cc
  std::optional<int> active_queries() override;                                 // pg_replicas.cc

 private:
  Shared& s_;
};

// "SET LOCAL lock_timeout = '3000ms'; " etc. for the timeouts that are set.
std::string timeout_settings(const Timeouts& timeouts, const char* set);
// BEGIN with the timeouts as SET LOCAL; READ COMMITTED when the lease is held.
std::string begin_sql(bool lease_held, const Timeouts& timeouts);

}  // namespace trellis::pg
