// sqlite_file.h — opening the SQLite driver's database file, and what can be wrong with
// the file itself (not a database, damaged, not writable, a hot journal left by a crash).
#pragma once

#include <string>

#include "trellis/driver.h"

struct sqlite3;

namespace trellis::sqlite_file {

// Opens `path` (":memory:" for an in-memory database) in `mode`. Returns nullptr when
// reading a file that does not exist: nothing was applied yet. Read-only: rolls back a
// hot journal a killed writer left first (see sqlite_file.cc). Read-write: creates the
// file if missing, and refuses a file or directory SQLite could not write. Then checks
// that the file is a readable database. Throws Error(kConnection) naming the file and what
// is wrong with it.
sqlite3* open(const std::string& path, OpenMode mode);

// When `rc` (an extended result code of `db`) means that the file itself is unusable
// rather than that a statement failed, throws Error(kConnection) naming `path` and what
// to do; returns otherwise.
void throw_if_file_fault(sqlite3* db, int rc, const std::string& path);

}  // namespace trellis::sqlite_file
