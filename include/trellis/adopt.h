// trellis/adopt.h — taking over a database another tool migrated (README.md, "Coming from
// another tool"): the tool's history table is read, each applied version is mapped through
// the import manifest (.trellis-import.toml) to its Trellis migration, and those are
// recorded as applied, logged as `adopt`, in one transaction. The other tool's tables are
// only read.
#pragma once

#include <string>
#include <vector>

#include "trellis/plan.h"
#include "trellis/workspace.h"

namespace trellis {

struct AdoptReport {
  std::string tool;
  std::string history_table;             // the table read, e.g. "schema_migrations"
  std::vector<Node> nodes;               // recorded (dry_run: would be), in dependency order
  std::vector<std::string> source_versions;  // each one's source version, in order
  std::vector<std::string> already;      // ids Trellis had recorded as applied already
  std::string target;                    // Driver::display_target()
};

// Decided on a read-only connection first, then again under the runner lock. Refuses
// (Error kPlan, with the way forward): no imported migrations of `tool`, a dirty or failed
// source state, versions in the database the imported files lack, an imported migration
// Trellis has recorded as failed. A history table that cannot be read is Error kState.
AdoptReport adopt_database(const Workspace& ws, const std::string& tool, bool dry_run);

}  // namespace trellis
