// parallel.h — runs independent jobs on a few threads.
#pragma once

#include <cstddef>
#include <functional>

namespace trellis {

// Calls job(0) … job(count - 1), each exactly once, on up to `max_threads` threads (the
// calling one included; 0 = one per CPU). Returns when all are done. If jobs throw, the
// exception of the lowest-numbered failing job is rethrown, so results do not depend on
// scheduling. Jobs must not share mutable state.
void parallel_for(std::size_t count, const std::function<void(std::size_t)>& job,
                  unsigned max_threads = 0);

}  // namespace trellis
