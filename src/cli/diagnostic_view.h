// diagnostic_view.h — Diagnostics on the terminal (colour through output.h): errors on
// stderr, findings under a heading, a lint finding with its rule. The machine formats
// (JSON objects, SARIF, GitHub annotations) are in report/formats.h.
#pragma once

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <vector>

#include "report/formats.h"
#include "trellis/diagnostic.h"

namespace trellis::cli {

// "trellis: error: <format_text(d)>" on stderr, then "  hint: …" when `hint` is not empty.
void print_error(const std::vector<Diagnostic>& diagnostics, const std::string& hint);

// "  error: message" or "  warning: message" (check's findings, status' warnings).
void print_severity_message(const Diagnostic& d);

// "  file:line: error[code]: message" with the severity painted, then "    help: hint"
// (lint findings in plan and check output).
void print_coded(const Diagnostic& d);

// A JSON array of report::json_object(d, shape), for documents built as nlohmann::json.
nlohmann::json json_array(const std::vector<Diagnostic>& diagnostics,
                          std::initializer_list<report::JsonField> shape);

}  // namespace trellis::cli
