// trellis/patterns.h — safe-pattern scaffolding: `trellis new FEATURE NAME --pattern P`
// writes the whole multi-migration sequence of a zero-downtime schema change (PostgreSQL
// SQL), each file with its phase, transaction mode, lock settings and down section.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "trellis/migration.h"
#include "trellis/project.h"

namespace trellis {

struct PatternOptions {
  std::string pattern;       // add-not-null-column, add-index, add-foreign-key, …
  std::string table;
  std::string column;
  std::string type;          // column type (add-not-null-column, rename-column, change-column-type)
  std::string default_expr;  // value for existing and new rows (add-not-null-column)
  std::string ref_table;     // add-foreign-key
  std::string ref_column;
  std::string new_name;      // rename-column
  std::string key = "id";    // the indexed key backfills walk
  std::int64_t batch_size = 10000;
};

// One file of a sequence, before numbering.
struct PatternFile {
  std::string slug;  // e.g. "add_users_email_nullable"
  std::string text;  // the whole file
};

// The names of the patterns, for help and messages.
const std::vector<std::string>& pattern_names();

// The files of a pattern, in order. Throws Error(kUsage) for an unknown pattern or a
// missing or malformed option, naming it.
std::vector<PatternFile> render_pattern(const PatternOptions& options);

// Writes the files as the next migrations of `feature` (consecutive numbers; the first
// carries `requires_ids`). Returns their paths relative to the project root.
std::vector<std::string> write_pattern(const Project& project, const std::string& feature,
                                       const PatternOptions& options,
                                       const std::vector<std::string>& requires_ids);

}  // namespace trellis
