// pg_lock_holder.h — a session of its own that holds a lock for a while, as another
// application would: `lock_sql` (e.g. "LOCK TABLE t IN ROW EXCLUSIVE MODE") in an open
// transaction, committed by a thread after `hold`. A server restart in between is fine.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "db/drivers.h"
#include "trellis/error.h"

namespace trellis_test {

class LockHolder {
 public:
  LockHolder(const std::string& url, const std::string& lock_sql, std::chrono::milliseconds hold)
      : driver_(trellis::make_postgres_driver(url, trellis::OpenMode::kReadWrite, "trellis")) {
    driver_->connection().begin(trellis::Timeouts{});
    driver_->connection().execute(trellis::Statement{lock_sql, 1, 1, {}});
    thread_ = std::thread([this, hold] {
      std::this_thread::sleep_for(hold);
      try {
        driver_->connection().commit();
      } catch (const trellis::Error&) {
        // the server went away meanwhile: the lock went with it
      }
    });
  }
  ~LockHolder() { thread_.join(); }
  LockHolder(const LockHolder&) = delete;
  LockHolder& operator=(const LockHolder&) = delete;

 private:
  std::unique_ptr<trellis::Driver> driver_;
  std::thread thread_;
};

}  // namespace trellis_test
