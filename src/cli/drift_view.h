// drift_view.h — check's schema drift (trellis/check.h, DriftReport) on the terminal and
// in `check --json` (docs/json.md).
#pragma once

#include <nlohmann/json.hpp>

#include "trellis/check.h"

namespace trellis::cli {

// One line saying what the live schema was compared with (or why it was not), after the
// findings; the hints of the findings that say why drift was not checked.
void print_drift(const DriftReport& drift, const std::vector<Finding>& findings);
// {"compared", "expected_from": "replay"|"cache"|null, "migrations", "scratch", "ignored",
//  "differences": [{"type": "missing"|"unexpected"|"differs", "object_kind", "name",
//                   "changes": [{"property", "expected", "actual"}]}]}
nlohmann::json drift_json(const DriftReport& drift);

}  // namespace trellis::cli
