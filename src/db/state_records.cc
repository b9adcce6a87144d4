// The names of the state store's record statuses (trellis/state.h, trellis/backfill.h).
#include "trellis/backfill.h"
#include "trellis/state.h"

namespace trellis {

const char* record_status_name(RecordStatus s) {
  switch (s) {
    case RecordStatus::kApplied: return "applied";
    case RecordStatus::kFailed: return "failed";
    case RecordStatus::kRunning: return "running";
  }
  return "applied";
}

bool parse_record_status(const std::string& text, RecordStatus* out) {
  if (text == "applied") *out = RecordStatus::kApplied;
  else if (text == "failed") *out = RecordStatus::kFailed;
  else if (text == "running") *out = RecordStatus::kRunning;
  else return false;
  return true;
}

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
