// sqlite_lock.h — the SQLite backend's RunnerLock: an exclusive flock() on the database
// file itself. SQLite uses POSIX record locks, which are independent of flock() on Linux,
// so the two never interfere; the kernel drops ours when the process dies.
#pragma once

#include <string>

#include "trellis/runner_lock.h"

namespace trellis::sqlite {

class FileLock final : public RunnerLock {
 public:
  explicit FileLock(std::string path) : path_(std::move(path)) {}
  ~FileLock() override { release(); }
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

  void acquire(Millis wait, const LockWaitReport& on_wait) override;
  void release() override;
  bool held_by_a_runner() override;
  std::string description() const override { return "file lock"; }

 private:
  std::string path_;  // ":memory:" needs no lock
  int fd_ = -1;
};

}  // namespace trellis::sqlite
