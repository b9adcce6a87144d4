// lint_rules.cc — the rule catalogue: ids, default severities, one-line summaries.
#include <algorithm>

#include "trellis/lint.h"

namespace trellis {

const char* severity_name(LintSeverity severity) {
  switch (severity) {
    case LintSeverity::kOff: return "off";
    case LintSeverity::kWarning: return "warning";
    case LintSeverity::kError: return "error";
  }
  return "error";
}

const std::vector<RuleInfo>& lint_rules() {
  using S = LintSeverity;
  using C = RuleCategory;
  using R = RuleScope;
  static const std::vector<RuleInfo> rules = {
      // Locks and rewrites on existing tables.
      {"require-concurrent-index", S::kError, C::kLock, "CREATE INDEX without CONCURRENTLY on an existing table", R::kPostgresOnly},
      {"require-concurrent-index-drop", S::kError, C::kLock, "DROP INDEX without CONCURRENTLY", R::kPostgresOnly},
      {"require-concurrent-reindex", S::kError, C::kLock, "REINDEX without CONCURRENTLY", R::kPostgresOnly},
      {"add-column-not-null-without-default", S::kError, C::kLock, "ADD COLUMN ... NOT NULL without a DEFAULT on an existing table", R::kPostgresOnly},
      {"add-column-volatile-default", S::kError, C::kLock, "ADD COLUMN with a volatile DEFAULT rewrites the table", R::kPostgresOnly},
      {"add-column-default-before-11", S::kError, C::kLock, "ADD COLUMN with a DEFAULT rewrites the table before PostgreSQL 11", R::kPostgresOnly},
      {"add-column-generated-stored", S::kError, C::kLock, "ADD COLUMN ... GENERATED ALWAYS AS (...) STORED rewrites the table", R::kPostgresOnly},
      {"add-column-serial-identity", S::kError, C::kLock, "adding a serial or identity column rewrites the table", R::kPostgresOnly},
      {"set-not-null", S::kError, C::kLock, "SET NOT NULL without a validated CHECK (col IS NOT NULL)", R::kPostgresOnly},
      {"constraint-missing-not-valid", S::kError, C::kLock, "CHECK or FOREIGN KEY added without NOT VALID", R::kPostgresOnly},
      {"validate-in-same-transaction", S::kError, C::kLock, "VALIDATE CONSTRAINT in the transaction that added it NOT VALID", R::kPostgresOnly},
      {"validate-under-held-lock", S::kError, C::kLock, "VALIDATE CONSTRAINT while the transaction already holds a lock that blocks writes on the table", R::kPostgresOnly},
      {"constraint-without-using-index", S::kError, C::kLock, "UNIQUE / PRIMARY KEY / EXCLUDE built under ACCESS EXCLUSIVE instead of USING INDEX", R::kPostgresOnly},
      {"change-column-type", S::kError, C::kLock, "ALTER COLUMN TYPE that rewrites the table", R::kPostgresOnly},
      {"unbatched-dml-with-ddl", S::kError, C::kLock, "full-table UPDATE/DELETE in the same transaction as DDL", R::kPostgresOnly},
      {"dml-without-where", S::kWarning, C::kLock, "UPDATE/DELETE of every row of an existing table in one statement", R::kPostgresOnly},
      {"ban-vacuum-full", S::kError, C::kLock, "VACUUM FULL", R::kPostgresOnly},
      {"ban-cluster", S::kError, C::kLock, "CLUSTER", R::kPostgresOnly},
      {"set-logged-unlogged", S::kError, C::kLock, "SET LOGGED / SET UNLOGGED rewrites the table", R::kPostgresOnly},
      {"set-tablespace", S::kError, C::kLock, "SET TABLESPACE / SET ACCESS METHOD rewrites the table", R::kPostgresOnly},
      {"drop-foreign-key", S::kError, C::kLock, "dropping a foreign key locks the referenced table too", R::kPostgresOnly},
      {"attach-partition-without-check", S::kError, C::kLock, "ATTACH PARTITION without a validated CHECK matching the bound", R::kPostgresOnly},
      {"ban-truncate", S::kError, C::kLock, "TRUNCATE of an existing table", R::kPostgresOnly},
      {"detach-partition-without-concurrently", S::kError, C::kLock, "DETACH PARTITION without CONCURRENTLY", R::kPostgresOnly},
      {"refresh-matview-without-concurrently", S::kError, C::kLock, "REFRESH MATERIALIZED VIEW without CONCURRENTLY on an existing view", R::kPostgresOnly},
      // Breaking and destructive: allowed in contract migrations.
      {"drop-column", S::kError, C::kBreaking, "DROP COLUMN outside a contract migration"},
      {"drop-table", S::kError, C::kBreaking, "DROP TABLE outside a contract migration"},
      {"drop-schema", S::kError, C::kBreaking, "DROP SCHEMA outside a contract migration"},
      {"rename-column", S::kError, C::kBreaking, "RENAME COLUMN outside a contract migration"},
      {"rename-table", S::kError, C::kBreaking, "RENAME TABLE outside a contract migration"},
      {"rename-schema", S::kError, C::kBreaking, "RENAME SCHEMA outside a contract migration"},
      {"rename-enum-value", S::kError, C::kBreaking, "ALTER TYPE ... RENAME VALUE outside a contract migration", R::kPostgresOnly},
      {"drop-primary-key", S::kError, C::kBreaking, "dropping a primary key outside a contract migration"},
      {"drop-not-null", S::kError, C::kBreaking, "DROP NOT NULL outside a contract migration"},
      // Correctness.
      {"concurrently-in-transaction", S::kError, C::kCorrectness, "CONCURRENTLY inside a transactional migration", R::kPostgresOnly},
      {"backfill-window", S::kError, C::kCorrectness, "range backfill body whose WHERE is not the runner's window K > :lo AND K <= :hi"},
      {"unique-may-fail-on-duplicates", S::kWarning, C::kCorrectness, "unique index or constraint built over existing rows fails on duplicate data (a primary key also on NULLs)"},
      {"needs-newer-postgres", S::kError, C::kCorrectness, "statement that the configured PostgreSQL version does not support", R::kPostgresOnly},
      {"duplicate-set-column", S::kError, C::kCorrectness, "UPDATE sets one column twice", R::kPostgresOnly},
      {"transaction-nesting", S::kError, C::kCorrectness, "ROLLBACK or two-phase commit inside a migration"},
      {"chunked-migration", S::kWarning, C::kCorrectness, "COMMIT splits a migration into chunks that commit on their own"},
      {"ban-cascade", S::kError, C::kCorrectness, "DROP/TRUNCATE ... CASCADE", R::kPostgresOnly},
      {"ban-drop-database", S::kError, C::kCorrectness, "DROP DATABASE", R::kPostgresOnly},
      {"enum-add-value-in-transaction", S::kWarning, C::kCorrectness, "ALTER TYPE ... ADD VALUE inside a transaction", R::kPostgresOnly},
      {"enum-value-without-position", S::kWarning, C::kCorrectness, "ALTER TYPE ... ADD VALUE without BEFORE/AFTER", R::kPostgresOnly},
      {"prefer-robust-stmts", S::kOff, C::kCorrectness, "non-transactional statement that another runner cannot retry after a partial failure (Trellis retries it)"},
      {"create-extension", S::kWarning, C::kCorrectness, "CREATE EXTENSION in a migration", R::kPostgresOnly},
      {"identifier-too-long", S::kError, C::kCorrectness, "a name over 63 bytes, silently truncated", R::kPostgresOnly},
      {"ban-domain-constraint", S::kWarning, C::kCorrectness, "CHECK constraints on domains", R::kPostgresOnly},
      // Type hygiene.
      {"prefer-timestamptz", S::kWarning, C::kHygiene, "timestamp without time zone", R::kPostgresOnly},
      {"prefer-jsonb", S::kWarning, C::kHygiene, "json instead of jsonb", R::kPostgresOnly},
      {"ban-char-field", S::kWarning, C::kHygiene, "char(n)", R::kPostgresOnly},
      {"prefer-text-field", S::kWarning, C::kHygiene, "varchar(n) instead of text with a CHECK", R::kPostgresOnly},
      {"prefer-bigint-id", S::kWarning, C::kHygiene, "int/smallint/serial id columns", R::kPostgresOnly},
      {"prefer-identity", S::kWarning, C::kHygiene, "serial instead of identity columns", R::kPostgresOnly},
      {"require-primary-key", S::kWarning, C::kHygiene, "CREATE TABLE without a primary key", R::kPostgresOnly},
      {"unnamed-constraint", S::kWarning, C::kHygiene, "CHECK, UNIQUE or FOREIGN KEY constraint without a name", R::kPostgresOnly},
      {"index-too-many-columns", S::kWarning, C::kHygiene, "index over more than three columns"},
      // Cross-feature conflicts.
      {"conflict-drop-used", S::kError, C::kConflict, "one feature drops or renames what an independent feature uses"},
      {"conflict-both-alter", S::kError, C::kConflict, "two independent features alter the same column"},
      {"conflict-both-create", S::kError, C::kConflict, "two independent features create an object of the same name"},
      {"missing-requires", S::kError, C::kConflict, "uses an object created by another feature without `requires`"},
      {"declared-conflict", S::kError, C::kConflict,
       "`-- conflicts:` names a migration applied before this one, or in either order (an independent feature)"},
      // About the run.
      {"not-analysed", S::kWarning, C::kMeta, "statement libpg_query (PostgreSQL grammar) cannot parse"},
      {"unknown-lint-allow", S::kError, C::kMeta, "lint-allow names a rule that does not exist"},
      {"unknown-lint-config", S::kError, C::kMeta, "[lint] names an unknown rule or severity"},
  };
  return rules;
}

Dialect dialect_named(std::string_view backend) {
  return backend == "sqlite" ? Dialect::kSqlite : Dialect::kPostgres;
}

const char* dialect_name(Dialect dialect) { return dialect == Dialect::kSqlite ? "sqlite" : "postgres"; }

const RuleInfo* find_rule(std::string_view id) {
  const auto& rules = lint_rules();
  auto it = std::find_if(rules.begin(), rules.end(), [&](const RuleInfo& r) { return id == r.id; });
  return it == rules.end() ? nullptr : &*it;
}

int LintReport::errors() const {
  return static_cast<int>(std::count_if(findings.begin(), findings.end(),
                                        [](const LintFinding& f) { return f.severity == Severity::kError; }));
}

int LintReport::warnings() const {
  return static_cast<int>(std::count_if(findings.begin(), findings.end(),
                                        [](const LintFinding& f) { return f.severity == Severity::kWarning; }));
}

}  // namespace trellis
