// pg_lease.h — the runner lock as a lease row, correct without a session.
//
// Through a transaction pooler (PgBouncer, pool_mode = transaction) a session-level
// advisory lock belongs to whichever server connection ran pg_try_advisory_lock, not to
// this runner: it is released, kept or stranded behind its back. The lease is a row in
// <schema>.runner_lease (token, owner, expiry), taken and renewed in short transactions:
// - taken with one INSERT … ON CONFLICT DO UPDATE … WHERE expires_at < now(): atomically,
//   and from an expired holder only (takeover after expiry, never before);
// - renewed every ttl/3 by a heartbeat thread on a connection of its own, so a long
//   statement on the main connection does not let it lapse;
// - fenced: fence_sql() is sent before every bookkeeping write, in the same transaction;
//   it locks the row (FOR SHARE, so a takeover waits for the write to commit) and raises
//   SQLSTATE TRLLS unless this runner's token is there and unexpired. A runner that
//   stalled past its lease can no longer record anything, so its work rolls back.
// Times are the server's (clock_timestamp()), never the runners'.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "db/pg_connection.h"
#include "trellis/driver.h"
#include "trellis/duration.h"

namespace trellis::pg {

class Lease {
 public:
  static constexpr const char* kLostState = "TRLLS";

  Lease(std::string conninfo, Connection& main, std::string quoted_schema, Millis ttl);
  ~Lease();
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;

  // Waits up to `wait`. With `wait` 0 and no lease table yet, creates nothing and throws
  // Error(kLock) (an early try that must leave the database untouched).
  void acquire(Millis wait, const LockWaitReport& on_wait, const std::string& what);
  void release();
  bool held() const { return !token_.empty(); }
  // Whether any runner holds an unexpired lease now (false without the lease table).
  bool taken();
  // The DO statement that fences a write ("" when not held).
  std::string fence_sql() const;
  // The table's DDL, for ensure() and offline SQL.
  static std::string ddl(const std::string& quoted_schema);

 private:
  bool try_take();
  std::string holder();
  void start_heartbeat();
  void stop_heartbeat();
  void heartbeat();

  std::string conninfo_;
  Connection& main_;
  std::string schema_;
  Millis ttl_;
  std::string token_;
  std::string owner_;
  std::string took_over_;  // the expired holder this runner took the lease from
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
};

}  // namespace trellis::pg
