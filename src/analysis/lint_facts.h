// lint_facts.h — internal: what all migrations together establish (validated checks,
// foreign keys, column types), used to decide hazards that depend on other files.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "trellis/analysis.h"

namespace trellis::analysis {

struct ProjectFacts {
  std::set<std::string> validated_not_null;      // "table.column" with a validated CHECK
  std::set<std::string> tables_with_validated_check;
  std::map<std::string, std::string> foreign_keys;  // "table.constraint" -> referenced table
  std::set<std::string> primary_keys;  // "table.constraint" (unnamed: PostgreSQL's table_pkey)
  struct TypeAt {
    size_t migration;
    size_t statement;
    std::string type;
  };
  std::map<std::string, std::vector<TypeAt>> column_types;  // in analysis order

  // The column's type just before (migration, statement); "" when unknown.
  std::string type_before(const std::string& column, size_t migration, size_t statement) const;
};

ProjectFacts collect_facts(const std::vector<const MigrationAnalysis*>& analyses);

// Whether changing a column from `from` to `to` ("varchar(20)" -> "text") needs no
// rewrite (binary-coercible, or a widened limit).
bool type_change_is_free(const std::string& from, const std::string& to);

}  // namespace trellis::analysis
