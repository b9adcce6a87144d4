// accept_diff.h — what `trellis accept` shows: a unified diff of each accepted file
// against the bytes that were applied, found in git by their checksum (the database keeps
// only the checksum). Outside git, or when no commit has those bytes, a line says so.
#pragma once

#include <string>

#include "trellis/migration.h"

namespace trellis::cli {

// Prints the diff of `m`'s file (relative to `root`) against the committed version whose
// SHA-256 is `applied_checksum`, or one line saying why there is none.
void show_accepted_diff(const std::string& root, const Migration& m, const std::string& applied_checksum);

}  // namespace trellis::cli
