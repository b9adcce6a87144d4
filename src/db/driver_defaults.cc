// Default implementations of the optional and composite parts of the Driver interface.
#include "trellis/driver.h"
#include "trellis/error.h"

namespace trellis {
namespace {

[[noreturn]] void unsupported(const Driver& d, const char* what) {
  throw Error(ErrorKind::kInternal,
              std::string(d.dialect()) + " driver does not support " + what + " (needed by batched backfills)",
              "run backfill migrations without '-- batch:' on this database, or use a newer trellis");
}

}  // namespace

void Driver::record_and_commit(const StateRow& row, const HistoryEvent& event) {
  record(row, event);
  commit();
}

void Driver::record_guarded_and_commit(const StateRow& row, const HistoryEvent& event, RowGuard guard) {
  record_guarded(row, event, guard);
  commit();
}

std::int64_t Driver::execute_with(const Statement&, const std::vector<BoundParam>&) {
  unsupported(*this, "bound parameters");
}
void Driver::save_checkpoint(const BackfillCheckpoint&) { unsupported(*this, "checkpoints"); }
std::vector<BackfillCheckpoint> Driver::load_checkpoints() { unsupported(*this, "checkpoints"); }
bool Driver::request_pause(const std::string&, PauseRequest) { unsupported(*this, "checkpoints"); }

}  // namespace trellis
