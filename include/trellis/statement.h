// trellis/statement.h — one statement of a migration section, as split by the database's
// own parser (SQLite's tokenizer, PostgreSQL's parser through libpg_query), and what the
// runner must know of it before it runs it.
#pragma once

#include <string>

namespace trellis {

// What the runner must know of a statement before it runs it (SqlDialect::traits).
enum class TxControl {
  kNone,      // an ordinary statement (SAVEPOINT, RELEASE, ROLLBACK TO are ordinary)
  kBegin,     // BEGIN / START TRANSACTION
  kCommit,    // COMMIT / END / COMMIT AND CHAIN: ends a chunk of a chunked migration
  kRollback,  // ROLLBACK / ABORT (not TO SAVEPOINT): never valid in a migration
  kOther      // PREPARE TRANSACTION, COMMIT PREPARED, …: never valid in a migration
};
struct StatementTraits {
  TxControl control = TxControl::kNone;
  // Cannot run inside a transaction block (CREATE INDEX CONCURRENTLY, VACUUM, …): it runs
  // on its own, and whether an interrupted run of it took effect is judged from the
  // database's state (SqlDialect::before_outside).
  bool outside_transaction = false;
};

// One statement of a section, as split by the database's own parser (SQLite's tokenizer,
// PostgreSQL's parser through libpg_query). `line` is the file line it starts on.
struct Statement {
  std::string sql;
  int index = 0;  // 1-based within the section
  int line = 0;
  StatementTraits traits;  // filled in by the engine's pre-flight (SqlDialect::traits)
};

}  // namespace trellis
