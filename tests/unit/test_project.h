// test_project.h — builds in-memory migrations for graph and planner tests.
#pragma once

#include <string>
#include <vector>

#include "trellis/migration.h"

namespace trellis::testing {

// "billing/0002_invoices" with optional requires.
inline Migration mig(const std::string& id, std::vector<std::string> requires_ids = {},
                     Phase phase = Phase::kExpand) {
  Migration m;
  m.id = id;
  auto slash = id.find('/');
  auto underscore = id.find('_', slash);
  m.feature = id.substr(0, slash);
  m.number = id.substr(slash + 1, underscore - slash - 1);
  m.slug = id.substr(underscore + 1);
  m.path = "migrations/" + id + ".sql";
  m.checksum = "sum-" + id;
  m.phase = phase;
  for (auto& r : requires_ids) m.requirements.push_back({r, 1});
  m.up = {true, "SELECT 1;", 3};
  return m;
}

}  // namespace trellis::testing
