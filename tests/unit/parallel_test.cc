#include "util/parallel.h"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <string>
#include <vector>

namespace trellis {
namespace {

TEST(ParallelFor, RunsEveryJobExactlyOnce) {
  std::vector<std::atomic<int>> runs(1000);
  parallel_for(runs.size(), [&](std::size_t i) { ++runs[i]; }, 4);
  for (const auto& r : runs) EXPECT_EQ(r.load(), 1);
}

TEST(ParallelFor, NothingToDoIsFine) {
  parallel_for(0, [](std::size_t) { FAIL(); }, 4);
}

TEST(ParallelFor, RethrowsTheLowestNumberedFailureAfterAllJobsRan) {
  std::atomic<int> ran{0};
  try {
    parallel_for(
        100,
        [&](std::size_t i) {
          ++ran;
          if (i == 70 || i == 30 || i == 90) throw std::runtime_error("job " + std::to_string(i));
        },
        3);
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "job 30");
  }
  EXPECT_EQ(ran.load(), 100);
}

}  // namespace
}  // namespace trellis
