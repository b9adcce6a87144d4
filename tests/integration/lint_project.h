// lint_project.h — the lint tests' scratch project and finding helpers: a project with
// trellis.toml `toml`, run as `trellis -C DIR ARGS...` without colour (NO_COLOR=1).
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness.h"

namespace trellis_test {

class LintProject : public TestProject {
 public:
  explicit LintProject(const std::string& toml) {
    write("trellis.toml", toml);
    set_leading_args({"-C", root()});
    set_env("NO_COLOR", "1");
  }
};

// The rule of each finding of a JSON findings array, in order.
inline std::vector<std::string> rules(const nlohmann::json& findings) {
  std::vector<std::string> out;
  for (const auto& f : findings) out.push_back(f.value("rule", ""));
  return out;
}

inline bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace trellis_test
