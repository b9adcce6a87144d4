// trellis/scaffold.h — writing new projects and migration files.
#pragma once

#include <string>
#include <vector>

#include "trellis/project.h"

namespace trellis {

// Creates trellis.toml, migrations/ and an example feature in `dir`. Refuses (Error kConfig)
// if trellis.toml exists. Returns the paths written.
std::vector<std::string> init_project(const std::string& dir);

struct NewMigration {
  std::string feature;
  std::string name;                   // free text; turned into a slug
  std::vector<std::string> requires_ids;
  Phase phase = Phase::kExpand;
  TxMode tx = TxMode::kTransactional;
};

// Writes migrations/<feature>/<next number>_<slug>.sql (creating the feature directory)
// and returns its path relative to the project root. The number continues the feature's
// sequence with the same width (0001 for a new feature).
// A `--requires` id that names no migration of the project is Error(kUsage) (nothing is
// written): a dangling requirement would make every later command fail.
std::string write_new_migration(const Project& project, const NewMigration& spec);

// Error(kUsage) for an id in `ids` that is malformed or names no migration of `project`
// ("core/0001_init" or the short "core/0001").
void check_requires_exist(const Project& project, const std::vector<std::string>& ids);

// The number the next migration of `feature` gets: the last one plus one, same width
// ("0001" for a new feature).
std::string next_migration_number(const Project& project, const std::string& feature);

// "Add users table!" -> "add_users_table".
std::string slugify(const std::string& name);

}  // namespace trellis
