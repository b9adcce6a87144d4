// Opening the SQLite database file, and the faults of the file itself.
#include "db/sqlite_file.h"

#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>

#include "trellis/error.h"

namespace trellis::sqlite_file {
namespace {

bool exists(const std::string& path) {
  std::error_code ec;
  return std::filesystem::exists(path, ec);
}

std::string directory_of(const std::string& path) {
  std::string parent = std::filesystem::path(path).parent_path().string();
  return parent.empty() ? "." : parent;
}

[[noreturn]] void fail(const std::string& path, const std::string& what, const std::string& hint) {
  throw Error(ErrorKind::kConnection, "sqlite:" + path + ": " + what, hint);
}

[[noreturn]] void fail_hot_journal(const std::string& path, const std::string& detail) {
  fail(path,
       "a run killed in the middle of a transaction left " + path +
           "-journal behind, and rolling it back needs write access to the database file and its "
           "directory (" + detail + ")",
       "run any trellis command as a user who may write both: it rolls the journal back first. "
       "Do not delete the journal: without it the database is inconsistent");
}

int read_schema(sqlite3* db) {
  int rc = sqlite3_exec(db, "SELECT count(*) FROM sqlite_master", nullptr, nullptr, nullptr);
  return rc == SQLITE_OK ? rc : sqlite3_extended_errcode(db);
}

// A writer killed inside a transaction leaves PATH-journal with the pages it changed (a
// "hot" journal). SQLite rolls it back the next time the file is read, but only through a
// connection that may write, so a read-only open fails ("attempt to write a readonly
// database") until then. A reading command therefore first opens read-write, creating
// nothing and without the runner lock, and reads once: SQLite takes its own exclusive
// lock, restores the pages and deletes the journal. The journal of a transaction still
// running is not hot (its writer holds a lock on the file) and is left alone.
void roll_back_hot_journal(const std::string& path) {
  if (!exists(path + "-journal") && !exists(path + "-wal")) return;
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc == SQLITE_OK) {
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, 5000);
    rc = read_schema(db);
  }
  std::string detail = db != nullptr ? sqlite3_errmsg(db) : "out of memory";
  sqlite3_close_v2(db);
  int primary = rc & 0xff;
  if (primary == SQLITE_READONLY || primary == SQLITE_CANTOPEN || primary == SQLITE_PERM) {
    fail_hot_journal(path, detail);
  }
  // Anything else (not a database, damaged) is reported by the open that follows.
}

// SQLite needs to write its rollback journal next to the database: a directory it cannot
// write fails only at the first write, in the middle of a migration.
void check_writable(sqlite3* db, const std::string& path) {
  std::string dir = directory_of(path);
  if (::access(dir.c_str(), W_OK) != 0) {
    fail(path, "the directory " + dir + " is not writable, and SQLite writes its rollback journal (" +
                   path + "-journal) there",
         "make the directory writable for this user, or move the database to one that is");
  }
  if (::access(path.c_str(), W_OK) != 0 || sqlite3_db_readonly(db, "main") == 1) {
    fail(path, "the database file is not writable", "check the permissions of " + path);
  }
}

}  // namespace

void throw_if_file_fault(sqlite3* db, int rc, const std::string& path) {
  std::string detail = sqlite3_errmsg(db);
  switch (rc & 0xff) {
    case SQLITE_NOTADB:
      fail(path, "the file is not a SQLite database (" + detail + ")",
           "check that 'database' in trellis.toml names the right file");
    case SQLITE_CORRUPT:
      fail(path, "the database file is damaged (" + detail + "); was it truncated or overwritten?",
           "restore it from a backup; sqlite3 " + path + " 'PRAGMA integrity_check' shows what is damaged");
    case SQLITE_IOERR:
      fail(path, "cannot read or write the file (" + detail + ")", "check the disk and the file system");
    case SQLITE_FULL:
      fail(path, "the disk is full (" + detail + ")", "free some space and run again");
    case SQLITE_CANTOPEN:
      fail(path, "cannot open the file or its journal (" + detail + ")",
           "check that the directory exists and is writable");
    case SQLITE_READONLY:
      if (rc == SQLITE_READONLY_ROLLBACK) fail_hot_journal(path, detail);
      fail(path, "the database is not writable (" + detail + ")",
           "check the permissions of the file and its directory");
    default:
      return;
  }
}

sqlite3* open(const std::string& path, OpenMode mode) {
  bool memory = path == ":memory:";
  if (mode == OpenMode::kReadOnly && !memory) {
    if (!exists(path)) return nullptr;
    roll_back_hot_journal(path);
  }
  if (mode == OpenMode::kReadWrite && !memory && !exists(directory_of(path))) {
    fail(path, "the directory " + directory_of(path) + " does not exist", "create it, or fix 'database' in trellis.toml");
  }
  int flags = mode == OpenMode::kReadOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
    std::string detail = db != nullptr ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close_v2(db);
    fail(path, "cannot open the database (" + detail + ")", "check that the directory exists and is writable");
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, 5000);
  try {
    if (mode == OpenMode::kReadWrite && !memory) check_writable(db, path);
    int rc = read_schema(db);
    // A writer holding its exclusive lock for long says nothing about the file; the
    // runner lock, or the first real read, waits for it.
    bool busy = (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED;
    if (rc != SQLITE_OK && !busy) {
      throw_if_file_fault(db, rc, path);
      fail(path, std::string("cannot read the database (") + sqlite3_errmsg(db) + ")", "");
    }
  } catch (...) {
    sqlite3_close_v2(db);
    throw;
  }
  return db;
}

}  // namespace trellis::sqlite_file
