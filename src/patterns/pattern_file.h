// pattern_file.h — building the text of one scaffolded migration file.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "trellis/patterns.h"

namespace trellis {

struct FileSpec {
  FileSpec(std::string slug_, std::vector<std::string> about_) : slug(std::move(slug_)), about(std::move(about_)) {}

  std::string slug;
  std::vector<std::string> about;  // comment lines explaining the step
  Phase phase = Phase::kExpand;
  TxMode tx = TxMode::kTransactional;
  std::string lock_timeout = "2s";
  std::string statement_timeout;   // empty: the environment's
  std::string batch;               // `-- batch:` value, backfills only
  std::string up;
  std::optional<std::string> down; // nullopt: `-- +down irreversible`
};

PatternFile render_file(const FileSpec& spec);

// Checks that an option naming an SQL identifier (possibly schema-qualified) is set and
// looks like one; throws Error(kUsage) "--table is required for add-index" etc.
void require_identifier(const std::string& value, const char* flag, const std::string& pattern);
void require_value(const std::string& value, const char* flag, const std::string& pattern);

// The part after the last '.', for naming constraints and indexes ("app.users" -> "users").
std::string bare(const std::string& name);

// The sequences, one function per pattern (column_patterns.cc, constraint_patterns.cc).
std::vector<FileSpec> add_not_null_column(const PatternOptions& o);
std::vector<FileSpec> rename_column(const PatternOptions& o);
std::vector<FileSpec> change_column_type(const PatternOptions& o);
std::vector<FileSpec> drop_column(const PatternOptions& o);
std::vector<FileSpec> add_index(const PatternOptions& o);
std::vector<FileSpec> add_foreign_key(const PatternOptions& o);
std::vector<FileSpec> add_unique_constraint(const PatternOptions& o);

}  // namespace trellis
