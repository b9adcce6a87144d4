// verify_view.h — verify's report on the terminal and as JSON (docs/json.md).
#pragma once

#include <nlohmann/json.hpp>

#include "trellis/verify.h"

namespace trellis::cli {

// The environment's name and the report: what ran, each finding, a verdict line.
void print_verify_report(const std::string& env, const VerifyReport& report);
nlohmann::json verify_json(const VerifyReport& report);

}  // namespace trellis::cli
