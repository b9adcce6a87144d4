#include "engine/bookkeeping.h"

#include "util/clock.h"

namespace trellis {

std::string tool_version() { return std::string("trellis ") + TRELLIS_VERSION; }

StateRow state_row(const Migration& m, RecordStatus status, const std::string& started_at) {
  StateRow r;
  r.id = m.id;
  r.feature = m.feature;
  r.checksum = m.checksum;
  r.phase = phase_name(m.phase);
  r.status = status;
  r.started_at = started_at;
  r.applied_by = run_identity();
  r.tool_version = tool_version();
  return r;
}

HistoryEvent history_event(const std::string& id, const std::string& checksum, const std::string& action) {
  HistoryEvent e;
  e.id = id;
  e.action = action;
  e.checksum = checksum;
  e.at = now_iso8601();
  e.by = run_identity();
  e.tool_version = tool_version();
  return e;
}

HistoryEvent history_event(const Migration& m, const std::string& action) {
  return history_event(m.id, m.checksum, action);
}

}  // namespace trellis
