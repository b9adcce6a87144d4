// trellis/check.h — the check use case: do the files, the release lists and the database
// agree? Everything `trellis check` reports, as findings.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "trellis/integrity.h"
#include "trellis/schema.h"
#include "trellis/workspace.h"

namespace trellis {

struct CheckOptions {
  bool offline = false;  // the files only: do not read the database
  bool lint = false;     // also the lint rules' findings (kind "lint"), down sections included
  bool drift = true;     // online: compare the live schema with what the applied migrations make
  // Where to replay them (`--scratch`, with `scratch_origin` naming it for messages);
  // empty: the environment's scratch_database, else the live database's own server.
  std::string scratch_url;
  std::string scratch_origin = "--scratch";
};

// Schema drift: the live database's schema against the one its applied migrations make,
// replayed in their recorded order on a scratch database (README, "Drift").
struct DriftReport {
  // Whether the two schemas were compared. False when the expected schema could not be
  // built (a replay failure, an applied migration without its file) or the live one not
  // read: the findings say why, as errors.
  bool compared = false;
  bool from_cache = false;       // the expected schema came from .trellis/, nothing was replayed
  std::size_t migrations = 0;    // the applied migrations it is made of
  std::string scratch;           // where they were replayed, for messages ("" from the cache)
  std::size_t ignored = 0;       // objects left out by [drift] ignore, both schemas together
  std::vector<SchemaDifference> differences;  // after the ignore patterns, in canonical order
};

struct CheckReport {
  std::vector<Finding> findings;
  std::optional<DriftReport> drift;  // online with drift on
  bool ok() const;  // no finding is an error (exit 0, else 1)
};

// Release lists naming no feature; edited, missing, out-of-order, failed and interrupted
// migrations (against the database unless offline; failures as errors); plan errors and
// released migrations held back for an unreleased dependency; down sections PostgreSQL
// cannot parse (kind "parse"); cross-feature conflicts (kind "conflict"); online, schema
// drift (kind "drift": one finding per difference; "replay-failed", "drift-not-checked").
// Reads the database read-only and writes nothing to it; the replay runs on a scratch
// database (trellis/scratch.h). Load `ws` with FileCacheUse::kBypass to hash every file.
// Throws Error(kConnection) when no scratch database can be had (exit 3), Error(kConfig)
// for a scratch URL of another backend than the database's.
CheckReport check_project(const Workspace& ws, const CheckOptions& options);

}  // namespace trellis
