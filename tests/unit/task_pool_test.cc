#include "util/task_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>

namespace trellis {
namespace {

TEST(TaskPool, RunsTasksThatTheTasksSubmit) {
  for (unsigned threads : {1u, 3u}) {
    std::atomic<int> ran{0};
    TaskPool pool;
    std::function<void(TaskPool&, int)> spread = [&](TaskPool& p, int depth) {
      ++ran;
      if (depth == 0) return;
      for (int i = 0; i < 2; ++i) p.submit([&, depth](TaskPool& q) { spread(q, depth - 1); });
    };
    pool.submit([&](TaskPool& p) { spread(p, 6); });
    pool.run(threads);
    EXPECT_EQ(ran.load(), 127) << threads;  // 1 + 2 + … + 64
  }
}

TEST(TaskPool, RethrowsAFailureAndStartsNothingAfterIt) {
  TaskPool pool;
  std::atomic<int> after{0};
  pool.submit([&](TaskPool& p) {
    p.submit([&](TaskPool&) { ++after; });
    throw std::runtime_error("boom");
  });
  EXPECT_THROW(pool.run(1), std::runtime_error);
  EXPECT_EQ(after.load(), 0);
  pool.submit([&](TaskPool&) { ++after; });
  pool.run(2);  // usable again
  EXPECT_EQ(after.load(), 1);
}

TEST(TaskPool, NothingQueuedReturnsAtOnce) {
  TaskPool pool;
  pool.run(4);
}

}  // namespace
}  // namespace trellis
