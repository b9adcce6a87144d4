#include "trellis/compatibility.h"

namespace trellis {

CompatVerdict old_code_compatibility(const Migration& m) {
  switch (m.phase) {
    case Phase::kExpand:
      return {OldCodeCompat::kKeepsWorking, "yes", "additive: code built for the previous schema keeps working"};
    case Phase::kBackfill:
      return {OldCodeCompat::kKeepsWorking, "yes",
              m.batch ? "data only, in short batches: safe while the old code serves traffic"
                      : "data only: safe while the old code serves traffic"};
    case Phase::kContract:
      return {OldCodeCompat::kAfterRetirement, "only once old code is retired",
              "drops, renames or tightens what code built for the previous schema may still use"};
  }
  return {OldCodeCompat::kKeepsWorking, "yes", ""};
}

}  // namespace trellis
