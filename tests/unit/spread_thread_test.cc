// SpreadThread: runs its body once, joins, and runs with its creator's affinity.
#include "util/spread_thread.h"

#include <gtest/gtest.h>
#include <sched.h>

#include <atomic>

namespace trellis {
namespace {

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
// body runs, the thread may use every CPU its creator may.
TEST(SpreadThread, BodyRunsWithItsCreatorsAffinity) {
  cpu_set_t mine, theirs;
  ASSERT_EQ(::sched_getaffinity(0, sizeof(mine), &mine), 0);
  CPU_ZERO(&theirs);
  SpreadThread t([&] { ::sched_getaffinity(0, sizeof(theirs), &theirs); });
  t.join();
  EXPECT_TRUE(CPU_EQUAL(&mine, &theirs)) << CPU_COUNT(&mine) << " CPUs here, " << CPU_COUNT(&theirs) << " there";
}

}  // namespace
}  // namespace trellis
