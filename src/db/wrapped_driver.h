// wrapped_driver.h — decorating a driver: a Connection that forwards every call to another
// (override what you change), and a Driver made of another driver's seams with some of
// them replaced. Fault injection in tests, logging or a fleet's per-database connection
// build on these; since ForwardingConnection overrides every pure virtual, a method added
// to Connection cannot be dropped silently by a decorator.
#pragma once

#include <memory>

#include "trellis/driver.h"

namespace trellis {

class ForwardingConnection : public Connection {
 public:
  explicit ForwardingConnection(Connection& inner) : inner_(inner) {}

  std::string display_target() const override { return inner_.display_target(); }
  std::string note() override { return inner_.note(); }
  void begin(const Timeouts& t) override { inner_.begin(t); }
  void commit() override { inner_.commit(); }
  void rollback() override { inner_.rollback(); }
  bool set_session_timeouts(const Timeouts& t) override { return inner_.set_session_timeouts(t); }
  std::int64_t execute(const Statement& s) override { return inner_.execute(s); }
  std::int64_t execute_with(const Statement& s, const std::vector<BoundParam>& params) override {
    return inner_.execute_with(s, params);
  }
  Rows query(const std::string& sql) override { return inner_.query(sql); }

 protected:
  Connection& inner_;
};

// Owns `inner` and presents its seams, or the replacements given to wire().
class WrappedDriver : public Driver {
 public:
  explicit WrappedDriver(std::unique_ptr<Driver> inner) : inner_(std::move(inner)) { wire(); }
  Driver& inner() { return *inner_; }

 protected:
  // Replaces the seams given (a decorator of the inner one, typically); null keeps inner's.
  void wire(Connection* c = nullptr, StateStore* s = nullptr, RunnerLock* l = nullptr, SqlDialect* d = nullptr,
            Catalog* k = nullptr) {
    attach(c != nullptr ? *c : inner_->connection(), s != nullptr ? *s : inner_->state(),
           l != nullptr ? *l : inner_->lock(), d != nullptr ? *d : inner_->dialect(),
           k != nullptr ? *k : inner_->catalog());
  }

 private:
  std::unique_ptr<Driver> inner_;
};

}  // namespace trellis
