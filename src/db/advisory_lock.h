// advisory_lock.h — the runner lock on PostgreSQL: a session-level advisory lock keyed on
// the state schema, so that one trellis run at a time works on a database.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "db/pg_connection.h"
#include "trellis/driver.h"
#include "trellis/duration.h"

namespace trellis::pg {

// A stable 64-bit key for `name` (FNV-1a), the same on every machine and version.
std::int64_t advisory_key(std::string_view name);

// Polls pg_try_advisory_lock(key) until it succeeds or `wait` has passed; then throws
// Error(kLock) naming the session that holds it (pid, user, application, client, since).
// `what` names the lock in messages ("the trellis runner lock of schema \"trellis\"").
// `on_wait` (if set) hears of the holder when the lock is first found held, then every 5 s.
void acquire_advisory_lock(Connection& connection, std::int64_t key, Millis wait,
                           const std::string& what, const LockWaitReport& on_wait);
void release_advisory_lock(Connection& connection, std::int64_t key);

// Whether some session holds the advisory lock `key` of this database now (pg_locks).
bool advisory_lock_granted(Connection& connection, std::int64_t key);

// "pid 4242, user app, application trellis, client 10.0.0.7, connected since …", or
// "unknown session" when the holder is not visible.
std::string describe_lock_holder(Connection& connection, std::int64_t key);

}  // namespace trellis::pg
