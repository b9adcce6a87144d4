// checks.h — helpers for assertions on trellis' output: JSON documents, escape codes,
// line references.
#pragma once

#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "process.h"

namespace trellis_test {

// Parses `text` as one JSON document; on failure records a test failure naming the text
// and returns an empty object (so that lookups in it fail as assertions, not exceptions).
nlohmann::json parse_json(const std::string& text);
// The same for a run's stdout; the failure also shows its exit status and stderr.
nlohmann::json parse_json(const RunResult& result);

// True when `text` holds an ANSI escape sequence (ESC).
bool has_escape_codes(const std::string& text);

// The element of a JSON array whose "id" is `id`, or null.
nlohmann::json find_id(const nlohmann::json& array, const std::string& id);
// id -> "state" of every entry of status --json "migrations".
std::map<std::string, std::string> states_of(const nlohmann::json& status);
// Whether `text` points at line `line` of `file` ("file:LINE" or "line LINE").
bool mentions_line(const std::string& text, const std::string& file, int line);

// The 1-based line of the first line of `content` containing `needle`, or 0.
int line_of(const std::string& content, const std::string& needle);

}  // namespace trellis_test
