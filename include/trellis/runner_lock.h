// trellis/runner_lock.h — the RunnerLock seam: one runner at a time per database (SQLite:
// flock() on the file; PostgreSQL: a session advisory lock, or a fenced lease row through a
// pooler). Released by release(), and by construction when the process or the connection
// dies (a lease: when it expires).
#pragma once

#include <functional>
#include <string>

#include "trellis/duration.h"

namespace trellis {

// Called while a runner waits for the lock: who holds it, and how long this one waited.
using LockWaitReport = std::function<void(const std::string& holder, Millis waited)>;

class RunnerLock {
 public:
  virtual ~RunnerLock() = default;

  // Waits up to `wait` for the lock; throws Error(kLock) naming the holder if known.
  // `on_wait`, if set, is called when the lock is first found held (with the holder) and
  // every few seconds after, while waiting.
  virtual void acquire(Millis wait, const LockWaitReport& on_wait) = 0;
  void acquire(Millis wait) { acquire(wait, LockWaitReport{}); }
  virtual void release() = 0;
  // Whether a runner (another process, or this one) holds the lock now: what tells a live
  // run from an interrupted one in status and backfill views. Read-only and never waits:
  // it takes nothing a runner could queue behind (SQLite: a non-blocking shared flock()
  // dropped at once; PostgreSQL: pg_locks, and an unexpired row of the lease table).
  virtual bool held_by_a_runner() = 0;
  // How this runner holds (or would hold) the lock, for the log ("advisory lock",
  // "lease (…)", "file lock").
  virtual std::string description() const = 0;
};

}  // namespace trellis
