// bookkeeping.h — the rows trellis writes about a migration.
#pragma once

#include <string>

#include "trellis/migration.h"
#include "trellis/state.h"

namespace trellis {

StateRow state_row(const Migration& m, RecordStatus status, const std::string& started_at);
HistoryEvent history_event(const Migration& m, const std::string& action);
HistoryEvent history_event(const std::string& id, const std::string& checksum, const std::string& action);
std::string tool_version();

}  // namespace trellis
