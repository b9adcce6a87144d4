// fault_driver.h — wraps a real driver and injects failures, so the runner's retry, crash
// and failure paths are tested deterministically: time out the lock of the Nth executed
// statement, fail it with an SQL error, or drop the connection.
#pragma once

#include <memory>

#include "trellis/driver.h"
#include "trellis/error.h"

namespace trellis::testing {

class FaultDriver : public Driver {
 public:
  enum class Fault { kNone, kLockTimeout, kSqlError, kConnectionLost };

  explicit FaultDriver(std::unique_ptr<Driver> inner) : inner_(std::move(inner)) {}

  // The next `count` executions of the statement with index `statement` (1-based within
  // its section) fail with `fault`.
  void inject(Fault fault, int statement, int count = 1) {
    fault_ = fault;
    statement_ = statement;
    remaining_ = count;
  }
  int executed() const { return executed_; }
  int begins() const { return begins_; }

  std::string_view dialect() const override { return inner_->dialect(); }
  std::string display_target() const override { return inner_->display_target(); }
  void ensure_state() override { inner_->ensure_state(); }
  std::vector<StateRow> load_state() override { return inner_->load_state(); }
  std::vector<HistoryEvent> load_history() override { return inner_->load_history(); }
  void acquire_lock(Millis wait, const LockWaitReport& r) override { inner_->acquire_lock(wait, r); }
  std::string lock_description() const override { return inner_->lock_description(); }
  void release_lock() override { inner_->release_lock(); }
  void begin(const Timeouts& t) override {
    ++begins_;
    inner_->begin(t);
  }
  void commit() override { inner_->commit(); }
  void rollback() override { inner_->rollback(); }
  bool set_session_timeouts(const Timeouts& t) override { return inner_->set_session_timeouts(t); }
  StatementTraits traits(const Statement& s) override { return inner_->traits(s); }
  std::vector<Statement> split(std::string_view sql, int first_line) override {
    return inner_->split(sql, first_line);
  }
  std::int64_t execute(const Statement& s) override {
    ++executed_;
    if (fault_ != Fault::kNone && s.index == statement_ && remaining_ > 0) {
      --remaining_;
      switch (fault_) {
        case Fault::kLockTimeout:
          throw SqlError("canceling statement due to lock timeout", "55P03", true, false);
        case Fault::kSqlError:
          throw SqlError("injected failure", "XX000", false, false);
        case Fault::kConnectionLost:
          throw SqlError("server closed the connection unexpectedly", "08006", false, true);
        case Fault::kNone:
          break;
      }
    }
    return inner_->execute(s);
  }
  std::optional<std::string> query_scalar(const std::string& sql) override { return inner_->query_scalar(sql); }
  OutsideVerdict before_outside(const Statement& s, bool may_have_run) override {
    return inner_->before_outside(s, may_have_run);
  }
  std::vector<std::string> find_leftovers() override { return inner_->find_leftovers(); }
  void record(const StateRow& row, const HistoryEvent& e) override { inner_->record(row, e); }
  void record_guarded(const StateRow& row, const HistoryEvent& e, RowGuard g) override {
    inner_->record_guarded(row, e, g);
  }
  void forget(const std::string& id, const HistoryEvent& e) override { inner_->forget(id, e); }
  std::string render_state_ddl() const override { return inner_->render_state_ddl(); }
  std::string render_begin(const Timeouts& t) const override { return inner_->render_begin(t); }
  std::string render_record(const StateRow& r, const HistoryEvent& e) const override {
    return inner_->render_record(r, e);
  }
  std::string render_forget(const std::string& id, const HistoryEvent& e) const override {
    return inner_->render_forget(id, e);
  }
  std::string render_commit() const override { return inner_->render_commit(); }

 private:
  std::unique_ptr<Driver> inner_;
  Fault fault_ = Fault::kNone;
  int statement_ = 0, remaining_ = 0;
  int executed_ = 0, begins_ = 0;
};

}  // namespace trellis::testing
