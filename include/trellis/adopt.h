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
  bool schema_checked = false;           // the live schema was compared (and matched)
  bool schema_from_cache = false;        // the expected schema came from .trellis/
  std::string schema_scratch;            // where the migrations were replayed, else ""
};

struct AdoptOptions {
  bool dry_run = false;       // decide and check everything, record nothing
  bool schema_check = true;   // compare the live schema with the replay of what is recorded
  std::string scratch_url;    // --scratch: where to replay (default: scratch_database, else
  std::string scratch_origin; // the live server); scratch_origin names it in messages
};

// Decided on a read-only connection first, then again under the runner lock. Refuses
// (Error kPlan, with the way forward, nothing recorded): no imported migrations of `tool`,
// a dirty or failed source state, versions in the database the imported files lack, an
// imported migration Trellis has recorded as failed, and (unless !schema_check) a live
// schema that differs from the replay, on a scratch database, of the migrations it would
// then have applied, or migrations that do not replay. A history table that cannot be read
// is Error kState; no scratch database to be had, Error kConnection.
AdoptReport adopt_database(const Workspace& ws, const std::string& tool, const AdoptOptions& options);

}  // namespace trellis
