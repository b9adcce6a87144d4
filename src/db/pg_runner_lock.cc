// pg_runner_lock.cc — the PostgreSQL backend's RunnerLock: a session-level advisory lock
// keyed on the state schema on a direct connection (advisory_lock.h); the lease row
// (pg_lease.h) through a pooler or when runner_lock = "lease".
#include "db/advisory_lock.h"
#include "db/pg_backend.h"

namespace trellis::pg {

ServerLock::ServerLock(Shared& s) : s_(s), key_(advisory_key("trellis runner " + s.schema)) {}

void ServerLock::acquire(Millis wait, const LockWaitReport& on_wait) {
  const std::string what = "the trellis runner lock of schema \"" + s_.schema + "\"";
  if (s_.use_lease()) {
    s_.lease.acquire(wait, on_wait, what);
  } else {
    acquire_advisory_lock(s_.connection, key_, wait, what, on_wait);
    advisory_held_ = true;
  }
}

void ServerLock::release() {
  s_.lease.release();
  if (advisory_held_ && !s_.connection.lost()) release_advisory_lock(s_.connection, key_);
  advisory_held_ = false;
}

bool ServerLock::held_by_a_runner() {
  if (advisory_held_) return true;
  return advisory_lock_granted(s_.connection, key_) || s_.lease.taken();
}

std::string ServerLock::description() const {
  if (s_.lock_mode == "auto" && s_.pooled_if_known()) {
    return "lease (the connection goes through a pooler or proxy, so no session lock)";
  }
  return s_.lease.held() || s_.lock_mode == "lease" ? "lease" : "advisory lock";
}

}  // namespace trellis::pg
