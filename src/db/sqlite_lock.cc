#include "db/sqlite_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "trellis/error.h"

namespace trellis::sqlite {

void FileLock::acquire(Millis wait, const LockWaitReport& on_wait) {
  if (path_ == ":memory:" || fd_ >= 0) return;
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  auto next_report = start;
  const std::string target = "sqlite:" + path_;
  fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw Error(ErrorKind::kConnection, target + ": cannot open for locking");
  auto deadline = Clock::now() + wait;
  while (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    if (Clock::now() >= deadline) {
      ::close(fd_);
      fd_ = -1;
      throw Error(ErrorKind::kLock,
                  target + ": another trellis run holds the migration lock (waited " + format_duration(wait) + ")",
                  "wait for it to finish, or raise the wait with --lock-wait");
    }
    if (on_wait && Clock::now() >= next_report) {
      on_wait("another trellis process (flock on " + path_ + ")",
              std::chrono::duration_cast<Millis>(Clock::now() - start));
      next_report = Clock::now() + std::chrono::seconds(5);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

bool FileLock::held_by_a_runner() {
  if (path_ == ":memory:") return false;
  if (fd_ >= 0) return true;
  int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;  // no file: nobody can hold its lock
  bool held = ::flock(fd, LOCK_SH | LOCK_NB) != 0;
  if (!held) ::flock(fd, LOCK_UN);
  ::close(fd);
  return held;
}

void FileLock::release() {
  if (fd_ < 0) return;
  ::flock(fd_, LOCK_UN);
  ::close(fd_);
  fd_ = -1;
}

}  // namespace trellis::sqlite
