// trellis/check.h — the check use case: do the files, the release lists and the database
// agree? Everything `trellis check` reports, as findings.
#pragma once

#include <vector>

#include "trellis/integrity.h"
#include "trellis/workspace.h"

namespace trellis {

struct CheckOptions {
  bool offline = false;  // the files only: do not read the database
  bool lint = false;     // also the lint rules' findings (kind "lint"), down sections included
};

struct CheckReport {
  std::vector<Finding> findings;
  bool ok() const;  // no finding is an error (exit 0, else 1)
};

// Release lists naming no feature; edited, missing, out-of-order, failed and interrupted
// migrations (against the database unless offline; failures as errors); plan errors and
// released migrations held back for an unreleased dependency; down sections PostgreSQL
// cannot parse (kind "parse"); cross-feature conflicts (kind "conflict"). Reads the
// database read-only. Load `ws` with FileCacheUse::kBypass to hash every file.
CheckReport check_project(const Workspace& ws, const CheckOptions& options);

}  // namespace trellis
