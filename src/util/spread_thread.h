// spread_thread.h — a thread that starts on another CPU than the thread creating it.
//
// Trellis starts threads to overlap work with the thread that starts them (reading files
// while the database is read). Linux may place a new thread on its creator's CPU, where
// one of the two then waits until load balancing moves it (measured: 1 to 4 ms on a
// 2-CPU machine, a fifth of a no-op `status`). A SpreadThread is created with an
// affinity that leaves out its creator's current CPU, so it starts elsewhere at once, and
// then widens its affinity back to every CPU its creator may use, so the scheduler stays
// free to move it. With a single CPU it is an ordinary thread.
#pragma once

#include <functional>

#include <pthread.h>

namespace trellis {

class SpreadThread {
 public:
  // Runs `body` on the new thread; `body` must not throw. Throws Error(kInternal) when no
  // thread can be started.
  explicit SpreadThread(std::function<void()> body);
  ~SpreadThread();  // joins, if join() was not called
  SpreadThread(const SpreadThread&) = delete;
  SpreadThread& operator=(const SpreadThread&) = delete;

  void join();

 private:
  struct Start;
  static void* run(void* start);
  pthread_t thread_{};
  bool joinable_ = false;
};

}  // namespace trellis
