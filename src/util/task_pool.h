// task_pool.h — jobs that may add more jobs, run on a few threads (parallel.h is for a
// fixed count of jobs). Used where work splits as it goes: an order of migrations that
// branches into several once a common prefix has run.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>

namespace trellis {

class TaskPool {
 public:
  using Task = std::function<void(TaskPool&)>;

  // Queues a task; callable before run() and from inside a running task.
  void submit(Task task);
  // Runs the queued tasks, and those they submit, on up to `threads` threads (the calling
  // one included; 0 = one per CPU) until none is left. When a task throws, no task starts
  // after it and the first exception is rethrown once the running ones have ended.
  void run(unsigned threads);

 private:
  void work();

  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Task> queue_;
  std::size_t running_ = 0;
  std::exception_ptr error_;
};

}  // namespace trellis
