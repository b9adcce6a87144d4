// Helpers for lint tests: migrations built in memory.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "trellis/lint.h"

namespace trellis::testing {

inline Migration migration(const std::string& id, const std::string& sql,
                           Phase phase = Phase::kExpand, TxMode tx = TxMode::kTransactional) {
  Migration m;
  m.id = id;
  m.feature = id.substr(0, id.find('/'));
  m.number = id.substr(id.find('/') + 1, 4);
  m.path = "migrations/" + id + ".sql";
  m.checksum = "sum-" + id + "-" + std::to_string(std::hash<std::string>{}(sql));
  m.phase = phase;
  m.tx = tx;
  m.up.present = true;
  m.up.sql = sql;
  m.up.first_line = 2;
  return m;
}

inline std::vector<std::string> rules_of(const LintReport& r) {
  std::vector<std::string> out;
  for (const auto& f : r.findings) out.push_back(f.code);
  return out;
}

inline bool has_rule(const LintReport& r, const std::string& rule) {
  auto rules = rules_of(r);
  return std::find(rules.begin(), rules.end(), rule) != rules.end();
}

inline const LintFinding* finding(const LintReport& r, const std::string& rule) {
  for (const auto& f : r.findings) {
    if (f.code == rule) return &f;
  }
  return nullptr;
}

}  // namespace trellis::testing
