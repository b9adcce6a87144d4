#include "util/parallel.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <memory>
#include <thread>
#include <vector>

#include "util/spread_thread.h"

namespace trellis {

void parallel_for(std::size_t count, const std::function<void(std::size_t)>& job,
                  unsigned max_threads) {
  unsigned cpus = max_threads != 0 ? max_threads : std::max(1u, std::thread::hardware_concurrency());
  std::size_t threads = std::min<std::size_t>(cpus, count);
  std::vector<std::exception_ptr> errors(count);
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i = next++; i < count; i = next++) {
      try {
        job(i);
      } catch (...) {
        errors[i] = std::current_exception();
      }
    }
  };
  std::vector<std::unique_ptr<SpreadThread>> helpers;
  for (std::size_t t = 1; t < threads; ++t) helpers.push_back(std::make_unique<SpreadThread>(work));
  work();
  for (auto& h : helpers) h->join();
  for (const auto& e : errors) {
    if (e) std::rethrow_exception(e);
  }
}

}  // namespace trellis
