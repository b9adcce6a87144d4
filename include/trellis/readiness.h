// trellis/readiness.h — "does this database have these migrations?", for `trellis wait`
// (init containers, readiness probes), answered from the state tables alone; and the
// trellis.lock file that names them with their checksums (`trellis plan --write-lock`),
// so that an application image need not carry the migration files.
#pragma once

#include <string>
#include <vector>

#include "trellis/state.h"
#include "trellis/workspace.h"

namespace trellis {

// A migration the database must have: its id (or `<feature>/<NNNN>`), and the checksum
// of its file when it must be that version ("" accepts any).
struct RequiredMigration {
  std::string id;
  std::string checksum;
};

// The migrations of the features released in the workspace's environment, in id order.
std::vector<RequiredMigration> released_requirements(const Workspace& ws);

// trellis.lock: a comment line naming the environment, then "<id> <checksum>" per line.
std::string render_lock_file(const std::string& environment, const std::vector<RequiredMigration>& requirements);
// Reads a lock file; throws Error(kUsage) when it cannot be read, Error(kParse) naming
// `path`:line for a line that is not "<id> <checksum>".
std::vector<RequiredMigration> read_lock_file(const std::string& path);

// A requirement the database does not meet, and why: "not applied", "failed: …",
// "interrupted", "applied with another checksum (database 1a2b3c4d, lock 5e6f7a8b)".
struct Unmet {
  std::string id;
  std::string why;
};
std::vector<Unmet> unmet_requirements(const std::vector<RequiredMigration>& requirements, const std::vector<StateRow>& rows);

}  // namespace trellis
