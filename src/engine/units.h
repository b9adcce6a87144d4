// units.h — a migration section cut into the units that commit on their own.
//
// A unit is either statements that commit together, in one transaction with the
// migration's progress (so each runs exactly once, also across a kill), or one statement
// that cannot run in a transaction (judged from the database's state on resume):
// - a transactional section is one unit, or several when it contains COMMIT (or END,
//   COMMIT AND CHAIN): a chunked migration, each chunk its own transaction with the
//   timeouts armed again; a BEGIN / START TRANSACTION right after a COMMIT (or at the
//   start) is absorbed;
// - a non-transactional section is one unit per statement, but BEGIN … COMMIT groups
//   what they enclose into one unit.
// ROLLBACK / ABORT (not TO SAVEPOINT), PREPARE TRANSACTION and the like are refused before
// anything runs, as is a statement that cannot run in a transaction inside BEGIN … COMMIT.
#pragma once

#include <string>
#include <vector>

#include "trellis/driver.h"
#include "trellis/diagnostic.h"
#include "trellis/migration.h"

namespace trellis {

struct Unit {
  std::size_t begin = 0, end = 0;  // statements [begin, end) of the section (0-based)
  bool outside = false;            // one statement run outside any transaction
};

// `statements` with their traits filled in. Problems are appended to `problems`, each at
// `path` and its statement's line; the units are only meaningful when none were added.
// `path` names the file in messages; `mode` is the section's transaction mode.
std::vector<Unit> units_of(const std::string& path, TxMode mode,
                           const std::vector<Statement>& statements,
                           std::vector<Diagnostic>& problems);

// Whether a statement is one the runner executes (not an absorbed BEGIN or COMMIT).
bool executes(const Statement& statement);

}  // namespace trellis
