#include "trellis/backfill.h"

namespace trellis {

const char* backfill_status_name(BackfillStatus s) {
  switch (s) {
    case BackfillStatus::kRunning: return "running";
    case BackfillStatus::kPaused: return "paused";
    case BackfillStatus::kDone: return "done";
    case BackfillStatus::kFailed: return "failed";
  }
  return "running";
}

bool parse_backfill_status(const std::string& text, BackfillStatus* out) {
  for (auto s : {BackfillStatus::kRunning, BackfillStatus::kPaused, BackfillStatus::kDone, BackfillStatus::kFailed}) {
    if (text == backfill_status_name(s)) {
      *out = s;
      return true;
    }
  }
  return false;
}

}  // namespace trellis
