// sqlite_checkpoints.h — the trellis_backfills table of the SQLite driver.
#pragma once

#include <string>
#include <vector>

#include "trellis/backfill.h"

struct sqlite3;

namespace trellis::sqlite_checkpoints {

// CREATE TABLE IF NOT EXISTS trellis_backfills.
const char* ddl();

// `where` names the database in messages ("sqlite:dev.db"). All throw Error(kState) or
// SqlError (busy: lock_timeout) on failure.
void save(sqlite3* db, const std::string& where, const BackfillCheckpoint& c);
std::vector<BackfillCheckpoint> load(sqlite3* db, const std::string& where);
// Runs in its own IMMEDIATE transaction. False if `id` has no row.
bool request_pause(sqlite3* db, const std::string& where, const std::string& id, PauseRequest request);
bool remove(sqlite3* db, const std::string& where, const std::string& id);

}  // namespace trellis::sqlite_checkpoints
