#include "util/parallel.h"

#include <gtest/gtest.h>
#include <sched.h>

#include <atomic>
#include <stdexcept>
#include <string>
#include <vector>

#include "util/spread_thread.h"

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

TEST(SpreadThread, RunsItsBodyOnceAndJoins) {
  std::atomic<int> runs{0};
  {
    SpreadThread t([&] { ++runs; });
  }  // the destructor joins
  EXPECT_EQ(runs.load(), 1);
  SpreadThread t([&] { ++runs; });
  t.join();
  t.join();  // a second join is harmless
  EXPECT_EQ(runs.load(), 2);
}

// The affinity that keeps it off its creator's CPU is only for starting: by the time the
// body runs, the thread may use every CPU the process may.
TEST(SpreadThread, BodyRunsWithTheProcessAffinity) {
  cpu_set_t mine, theirs;
  ASSERT_EQ(::sched_getaffinity(0, sizeof(mine), &mine), 0);
  CPU_ZERO(&theirs);
  SpreadThread t([&] { ::sched_getaffinity(0, sizeof(theirs), &theirs); });
  t.join();
  EXPECT_TRUE(CPU_EQUAL(&mine, &theirs)) << CPU_COUNT(&mine) << " CPUs here, " << CPU_COUNT(&theirs) << " there";
}

}  // namespace
}  // namespace trellis
