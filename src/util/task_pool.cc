#include "util/task_pool.h"

#include <algorithm>
#include <memory>
#include <thread>
#include <vector>

#include "util/spread_thread.h"

namespace trellis {

void TaskPool::submit(Task task) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    queue_.push_back(std::move(task));
  }
  changed_.notify_one();
}

void TaskPool::work() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    changed_.wait(lock, [&] { return error_ || !queue_.empty() || running_ == 0; });
    if (error_ || queue_.empty()) break;  // an error, or nothing queued and nothing running
    Task task = std::move(queue_.front());
    queue_.pop_front();
    ++running_;
    lock.unlock();
    std::exception_ptr failure;
    try {
      task(*this);
    } catch (...) {
      failure = std::current_exception();
    }
    task = nullptr;  // what it holds goes now, not while the others wait for the lock
    lock.lock();
    --running_;
    if (failure && !error_) error_ = failure;
    changed_.notify_all();
  }
  changed_.notify_all();
}

void TaskPool::run(unsigned threads) {
  unsigned count = threads != 0 ? threads : std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::unique_ptr<SpreadThread>> helpers;
  for (unsigned t = 1; t < count; ++t) helpers.push_back(std::make_unique<SpreadThread>([this] { work(); }));
  work();
  for (auto& h : helpers) h->join();
  std::exception_ptr error;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    error = error_;
    error_ = nullptr;
    queue_.clear();
  }
  if (error) std::rethrow_exception(error);
}

}  // namespace trellis
