// checks.cc — JSON and text helpers for assertions.
#include "checks.h"

#include <gtest/gtest.h>

#include <cctype>
#include <sstream>

namespace trellis_test {

nlohmann::json parse_json(const std::string& text) {
  try {
    return nlohmann::json::parse(text);
  } catch (const std::exception& e) {
    ADD_FAILURE() << "not one JSON document (" << e.what() << "):\n" << text;
    return nlohmann::json::object();
  }
}

nlohmann::json parse_json(const RunResult& result) {
  try {
    return nlohmann::json::parse(result.out);
  } catch (const std::exception& e) {
    ADD_FAILURE() << "not one JSON document (" << e.what() << ") from " << result.describe();
    return nlohmann::json::object();
  }
}

bool has_escape_codes(const std::string& text) { return text.find('\x1b') != std::string::npos; }

nlohmann::json find_id(const nlohmann::json& array, const std::string& id) {
  if (!array.is_array()) return nullptr;
  for (const auto& entry : array) {
    if (entry.is_object() && entry.value("id", "") == id) return entry;
  }
  return nullptr;
}

std::map<std::string, std::string> states_of(const nlohmann::json& status) {
  std::map<std::string, std::string> states;
  if (!status.is_object() || !status.contains("migrations")) return states;
  for (const auto& entry : status["migrations"]) {
    states[entry.value("id", "")] = entry.value("state", "");
  }
  return states;
}

bool mentions_line(const std::string& text, const std::string& file, int line) {
  std::string n = std::to_string(line);
  auto has_at = [&](const std::string& prefix) {
    for (auto pos = text.find(prefix); pos != std::string::npos; pos = text.find(prefix, pos + 1)) {
      size_t end = pos + prefix.size() + n.size();
      if (text.compare(pos + prefix.size(), n.size(), n) == 0 &&
          (end >= text.size() || !isdigit(static_cast<unsigned char>(text[end])))) {
        return true;
      }
    }
    return false;
  };
  return has_at(file + ":") || has_at("line ");
}

int line_of(const std::string& content, const std::string& needle) {
  std::istringstream lines(content);
  std::string line;
  for (int number = 1; std::getline(lines, line); ++number) {
    if (line.find(needle) != std::string::npos) return number;
  }
  return 0;
}

}  // namespace trellis_test
