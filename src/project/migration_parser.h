// migration_parser.h — parses the text of one migration file (README.md, "A migration file").
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "trellis/diagnostic.h"
#include "trellis/migration.h"

namespace trellis {

// Problems found in one file (or a run's files), each with its file, line and, where the
// parser knows them, column and source line.
struct Diagnostics {
  std::vector<Diagnostic> errors;
  bool empty() const { return errors.empty(); }
};

// Parses `content` of the file at `path` (relative, for messages) into `out`, whose id,
// feature, number, slug and path the caller has set. Appends every problem to `diag`
// (does not stop at the first).
void parse_migration(std::string_view content, Migration& out, Diagnostics& diag);

}  // namespace trellis
