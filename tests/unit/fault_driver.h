// fault_driver.h — wraps a real driver and injects failures, so the runner's retry, crash
// and failure paths are tested deterministically: time out the lock of the Nth executed
// statement, fail it with an SQL error, or drop the connection. Only the connection is
// decorated (db/wrapped_driver.h); every other call reaches the real driver unchanged.
#pragma once

#include <memory>

#include "db/wrapped_driver.h"
#include "trellis/error.h"

namespace trellis::testing {

class FaultDriver : public WrappedDriver {
 public:
  enum class Fault { kNone, kLockTimeout, kSqlError, kConnectionLost };

  explicit FaultDriver(std::unique_ptr<Driver> inner) : WrappedDriver(std::move(inner)), faulty_(*this) {
    wire(&faulty_);
  }

  // The next `count` executions of the statement with index `statement` (1-based within
  // its section) fail with `fault`.
  void inject(Fault fault, int statement, int count = 1) {
    fault_ = fault;
    statement_ = statement;
    remaining_ = count;
  }
  int executed() const { return executed_; }
  int begins() const { return begins_; }

 private:
  class FaultyConnection final : public ForwardingConnection {
   public:
    explicit FaultyConnection(FaultDriver& owner)
        : ForwardingConnection(owner.inner().connection()), owner_(owner) {}
    void begin(const Timeouts& t) override {
      ++owner_.begins_;
      inner_.begin(t);
    }
    std::int64_t execute(const Statement& s) override {
      owner_.before_execute(s);
      return inner_.execute(s);
    }
    std::int64_t execute_with(const Statement& s, const std::vector<BoundParam>& params) override {
      owner_.before_execute(s);
      return inner_.execute_with(s, params);
    }

   private:
    FaultDriver& owner_;
  };

  void before_execute(const Statement& s) {
    ++executed_;
    if (fault_ == Fault::kNone || s.index != statement_ || remaining_ <= 0) return;
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

  FaultyConnection faulty_;
  Fault fault_ = Fault::kNone;
  int statement_ = 0, remaining_ = 0;
  int executed_ = 0, begins_ = 0;
};

}  // namespace trellis::testing
