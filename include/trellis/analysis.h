// trellis/analysis.h — what each statement of a migration does to the schema.
//
// The statement model is built from libpg_query's parse tree (PostgreSQL 15 grammar).
// For every statement of a migration's up section it records the objects it touches,
// the lock it takes on each table, whether it rewrites or scans a table, and "hazards":
// candidate lint findings whose final severity the linter (trellis/lint.h) decides from
// the migration's phase, transaction mode, the set of tables that are new, and config.
//
// Names are normalised to lower case as PostgreSQL folds unquoted identifiers; schema
// qualifiers are kept ("public.users" and "users" are treated as different names except
// that "public." is dropped). Columns are named "table.column".
//
// Thread safety: analyse_migration is reentrant. AnalysisCache is not thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "trellis/diagnostic.h"
#include "trellis/migration.h"

namespace trellis {

// PostgreSQL table-level locks, weakest first.
enum class LockLevel {
  kNone,
  kAccessShare,
  kRowShare,
  kRowExclusive,
  kShareUpdateExclusive,
  kShare,
  kShareRowExclusive,
  kExclusive,
  kAccessExclusive
};
const char* lock_name(LockLevel level);    // "ACCESS EXCLUSIVE"
// What the lock blocks, in words: "blocks all reads and writes".
const char* lock_effect(LockLevel level);

enum class ObjectKind {
  kTable, kColumn, kIndex, kConstraint, kView, kSequence, kType, kFunction, kSchema,
  kExtension, kTrigger, kOther
};
const char* object_kind_name(ObjectKind kind);  // "table", "column", ...

enum class Access { kCreate, kAlter, kDrop, kRename, kRead, kReference };
const char* access_name(Access access);  // "creates", "alters", ...

struct ObjectUse {
  ObjectKind kind = ObjectKind::kTable;
  std::string name;      // "invoices", "invoices.total", "ix_invoices_user"
  Access access = Access::kRead;
  std::string new_name;  // for kRename
  // CREATE … IF NOT EXISTS, CREATE OR REPLACE, DROP / RENAME … IF EXISTS: cannot fail for
  // the object being there already (or missing).
  bool conditional = false;
  int line = 0;          // file line of the statement
  int col = 0;
};

struct TableLock {
  std::string table;
  LockLevel level = LockLevel::kNone;
};

// A candidate lint finding. The linter (lint.h) decides whether it applies from the
// conditions below and the migration's context, and what severity it has.
struct Hazard {
  std::string rule;      // rule id, see the catalogue in lint.h
  std::string table;     // table concerned ("" if unknown)
  std::string message;   // states the lock level and its effect on reads and writes
  std::string help;      // the safe alternative
  int line = 0;
  int col = 0;
  bool only_existing_table = false;    // needs `table` to exist with rows already
  bool only_in_transaction = false;    // only when the migration runs in a transaction
  bool only_outside_contract = false;  // destructive/breaking: allowed in `contract`
  bool only_without_transaction = false;  // only when the migration has `transaction: false`
  std::string exempt_if_validated_check;  // "table.column" / "table.*": a validated CHECK
                                          // (from any migration) makes this safe
  int exempt_from_version = 0;  // PostgreSQL uses that CHECK from this major version on
                                // (0: any); on a known earlier version it is no exemption
  int only_before_version = 0;  // applies only on a known PostgreSQL major version below
                                // this one (0: on any)
  int help_before_version = 0;  // on a known major version below this one, `help_before`
  std::string help_before;      // replaces `help` (the advice needs a newer server)
  std::string foreign_key;  // "table.constraint": applies only if that constraint is a FK
  std::string primary_key;  // "table.constraint": applies only if that constraint is a PK
  std::string column;       // "table.column" for column type changes
  std::string new_type;     // for column type changes: "varchar(20)", "text", ...
};

// Constraints seen, so that later statements and other migrations can be checked
// against them (SET NOT NULL after a validated CHECK, dropping a foreign key).
struct ConstraintFact {
  std::string table;
  std::string name;           // may be "" for unnamed constraints
  std::string kind;           // "check", "foreign-key", "unique", "primary-key", "validate"
  std::string not_null_column;  // for CHECK (col IS NOT NULL)
  std::string references;     // for foreign keys: the referenced table
  bool validated = false;
};

struct StatementInfo {
  std::string kind;          // parse node name: "AlterTableStmt", "IndexStmt", ...
  int line = 0;              // 1-based file line of the statement's first token
  int col = 0;               // 1-based column
  bool parsed = true;        // false: libpg_query could not parse it (see parse_error)
  std::string parse_error;
  std::string text;          // the statement, trimmed, at most 200 characters
  std::vector<ObjectUse> objects;
  std::vector<TableLock> locks;  // strongest lock per table
  bool rewrites_table = false;
  bool scans_table = false;
  bool concurrently = false;
  std::vector<Hazard> hazards;
  std::vector<ConstraintFact> constraints;
  // Column types set by this statement ("table.column" -> "varchar(20)"), in order.
  std::vector<std::pair<std::string, std::string>> column_types;
};

struct MigrationAnalysis {
  std::string id;
  std::string path;
  std::string checksum;
  std::vector<StatementInfo> statements;

  // Strongest lock the migration takes; table "" and kNone when it takes none.
  TableLock strongest_lock() const;
};

// Analyses the up section of `migration`. Never throws for SQL it cannot parse: those
// statements come back with parsed == false.
MigrationAnalysis analyse_migration(const Migration& migration);

// Analyses keyed by file checksum, persisted in a compact binary file
// `<dir>/analysis-cache.bin`
// (typically the project's `.trellis` directory). An entry whose checksum matches is
// reused; a changed file is re-analysed.
class AnalysisCache {
 public:
  explicit AnalysisCache(std::string dir);
  ~AnalysisCache();
  AnalysisCache(const AnalysisCache&) = delete;
  AnalysisCache& operator=(const AnalysisCache&) = delete;

  // Loads the cache file if present; a missing or unreadable file is an empty cache.
  void load();
  // Returns the analysis of `migration`, from the cache when its checksum is known.
  const MigrationAnalysis& get(const Migration& migration);
  // Writes entries used since load() (stale ones are dropped). Throws Error(kIo).
  void save() const;
  int hits() const { return hits_; }
  int misses() const { return misses_; }

 private:
  struct Impl;  // the entries, by checksum (analysis_cache.cc)
  std::unique_ptr<Impl> impl_;
  int hits_ = 0;
  int misses_ = 0;
};

// Uses an analysis in place of a fresh one (the cache, or tests).
using AnalysisLookup = std::function<const MigrationAnalysis&(const Migration&)>;

// ---- Cross-feature conflicts -------------------------------------------------------

// depends_on(a, b): migration a depends on migration b, transitively.
using DependsOn = std::function<bool(const std::string& a_id, const std::string& b_id)>;

enum class ConflictKind {
  kDropUsed,         // one drops/renames an object the other creates/alters/references/reads
  kBothAlter,        // both alter the same column
  kBothCreate,       // both create an object of the same name
  kMissingRequires,  // uses an object created by another feature without `requires`
};
const char* conflict_kind_name(ConflictKind kind);  // "drop-used", ...
// The lint rule of a kind of conflict: "conflict-drop-used", …, "missing-requires".
std::string conflict_rule(ConflictKind kind);

// The migration reported is the diagnostic's `id`, at `file`:`line`:`column`; `code` is
// the lint rule ("conflict-drop-used", …, "missing-requires"); for kMissingRequires the
// `hint` is the exact line to add.
struct Conflict : Diagnostic {
  ConflictKind kind = ConflictKind::kDropUsed;
  ObjectKind object_kind = ObjectKind::kTable;
  std::string object;
  std::string other_id, other_file;  // the other migration
  int other_line = 0;
};

// All conflicts between migrations of different features with no dependency path
// between them, plus undeclared uses. Scales with the number of objects shared, not
// the number of migration pairs.
std::vector<Conflict> find_conflicts(const std::vector<Migration>& migrations,
                                     const AnalysisLookup& analysis,
                                     const DependsOn& depends_on);

}  // namespace trellis
