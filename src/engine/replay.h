// replay.h — running migrations' SQL on a scratch database to see the schema they make
// (drift in `check`, `verify`): the statements only, with no bookkeeping, no lock, no
// timeouts and no retries; the first failure stops the replay. A batched backfill
// (`-- batch:`) is skipped: it changes rows, not the schema, and its body needs bounds.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "trellis/driver.h"
#include "trellis/migration.h"

namespace trellis {

struct ReplayFailure {
  std::string id;    // the migration
  std::string path;  // its file, relative to the project
  bool down = false; // the failing section was the down section
  int statement = 0; // 1-based statement of the section (0: before any ran)
  int line = 0;      // its line in the file
  std::string error; // the database's message, or why the section cannot run
  // "core/0002_users: statement 2 (line 7): <message>"
  std::string describe() const;
};

enum class ReplayDirection { kUp, kDown };

// Runs one section of `m` on `driver`: each unit in its own transaction (units.h), a
// statement that cannot run in a transaction on its own. Returns the failure, if any (a
// failing unit is rolled back). An up of only comments, or a down that is absent,
// irreversible or a no-op, runs nothing.
std::optional<ReplayFailure> replay_section(Driver& driver, const Migration& m, ReplayDirection direction);

// Runs the up sections of `order`, in order; stops at the first failure and returns it.
std::optional<ReplayFailure> replay(Driver& driver, const std::vector<const Migration*>& order);

}  // namespace trellis
