// leaves_behind.h — what a migration does to each object as seen from other migrations:
// its net effect, not every name it touches on the way.
//
// An object created and then dropped or renamed away in the same migration (a transient
// `tmp_unique_index`) leaves nothing behind; uses of an object the migration itself
// created (and of the columns of a table it created) are its own business; a rename
// creates the new name; a DROP … IF EXISTS followed by a CREATE of the same name is a
// replacement, which cannot fail whatever ran before.
#pragma once

#include <vector>

#include "trellis/analysis.h"

namespace trellis::analysis {

struct NetUse {
  ObjectUse use;
  bool cannot_fail = false;  // a create that succeeds whether or not the name exists
};

// The uses of `a` that other migrations can see, in statement order.
std::vector<NetUse> net_uses(const MigrationAnalysis& a);

// Tables, views, sequences and indexes share one namespace in PostgreSQL: the key under
// which uses of the same object meet ("rel:users", "column:users.email").
std::string object_key(ObjectKind kind, const std::string& name);

}  // namespace trellis::analysis
