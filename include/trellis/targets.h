// trellis/targets.h — the databases of a fleet (`trellis fleet --targets FILE`): a TOML
// file with one table per database.
//
//   [target.eu1]
//   database = "postgresql://app:${EU1_PASSWORD}@eu1.db/app"
//   env = "production"      # optional: that environment's settings and release list
#pragma once

#include <string>
#include <vector>

namespace trellis {

struct FleetTarget {
  std::string name;      // the NAME of [target.NAME]
  std::string database;  // ${VAR} interpolated; not yet checked nor anchored
  std::string env;       // the environment of trellis.toml it takes; "" = the fleet's default
  std::string file;      // the targets file, as given
  int line = 0;          // the line of its `database` in `file`
};

// The targets of `path` in the order the file lists them. Throws Error(kConfig) naming
// path:line for a file that does not parse, an unknown key, a target without a database,
// an unset ${VAR}, or a file without targets.
std::vector<FleetTarget> load_targets(const std::string& path);

}  // namespace trellis
