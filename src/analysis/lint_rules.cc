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
  static const std::vector<RuleInfo> rules = {
      // Locks and rewrites on existing tables.
      {"require-concurrent-index", S::kError, C::kLock, "CREATE INDEX without CONCURRENTLY on an existing table"},
      {"require-concurrent-index-drop", S::kError, C::kLock, "DROP INDEX without CONCURRENTLY"},
      {"require-concurrent-reindex", S::kError, C::kLock, "REINDEX without CONCURRENTLY"},
      {"add-column-not-null-without-default", S::kError, C::kLock, "ADD COLUMN ... NOT NULL without a DEFAULT on an existing table"},
      {"add-column-volatile-default", S::kError, C::kLock, "ADD COLUMN with a volatile DEFAULT rewrites the table"},
      {"add-column-generated-stored", S::kError, C::kLock, "ADD COLUMN ... GENERATED ALWAYS AS (...) STORED rewrites the table"},
      {"add-column-serial-identity", S::kError, C::kLock, "adding a serial or identity column rewrites the table"},
      {"set-not-null", S::kError, C::kLock, "SET NOT NULL without a validated CHECK (col IS NOT NULL)"},
      {"constraint-missing-not-valid", S::kError, C::kLock, "CHECK or FOREIGN KEY added without NOT VALID"},
      {"validate-in-same-transaction", S::kError, C::kLock, "VALIDATE CONSTRAINT in the transaction that added it NOT VALID"},
      {"constraint-without-using-index", S::kError, C::kLock, "UNIQUE / PRIMARY KEY / EXCLUDE built under ACCESS EXCLUSIVE instead of USING INDEX"},
      {"change-column-type", S::kError, C::kLock, "ALTER COLUMN TYPE that rewrites the table"},
      {"unbatched-dml-with-ddl", S::kError, C::kLock, "full-table UPDATE/DELETE in the same transaction as DDL"},
      {"ban-vacuum-full", S::kError, C::kLock, "VACUUM FULL"},
      {"ban-cluster", S::kError, C::kLock, "CLUSTER"},
      {"set-logged-unlogged", S::kError, C::kLock, "SET LOGGED / SET UNLOGGED rewrites the table"},
      {"set-tablespace", S::kError, C::kLock, "SET TABLESPACE / SET ACCESS METHOD rewrites the table"},
      {"drop-foreign-key", S::kError, C::kLock, "dropping a foreign key locks the referenced table too"},
      {"attach-partition-without-check", S::kError, C::kLock, "ATTACH PARTITION without a validated CHECK matching the bound"},
      {"ban-truncate", S::kError, C::kLock, "TRUNCATE of an existing table"},
      // Breaking and destructive: allowed in contract migrations.
      {"drop-column", S::kError, C::kBreaking, "DROP COLUMN outside a contract migration"},
      {"drop-table", S::kError, C::kBreaking, "DROP TABLE outside a contract migration"},
      {"drop-schema", S::kError, C::kBreaking, "DROP SCHEMA outside a contract migration"},
      {"rename-column", S::kError, C::kBreaking, "RENAME COLUMN outside a contract migration"},
      {"rename-table", S::kError, C::kBreaking, "RENAME TABLE outside a contract migration"},
      {"rename-schema", S::kError, C::kBreaking, "RENAME SCHEMA outside a contract migration"},
      {"drop-not-null", S::kError, C::kBreaking, "DROP NOT NULL outside a contract migration"},
      // Correctness.
      {"concurrently-in-transaction", S::kError, C::kCorrectness, "CONCURRENTLY inside a transactional migration"},
      {"transaction-nesting", S::kError, C::kCorrectness, "BEGIN/COMMIT/ROLLBACK inside a migration"},
      {"ban-cascade", S::kError, C::kCorrectness, "DROP/TRUNCATE ... CASCADE"},
      {"ban-drop-database", S::kError, C::kCorrectness, "DROP DATABASE"},
      {"enum-add-value-in-transaction", S::kWarning, C::kCorrectness, "ALTER TYPE ... ADD VALUE inside a transaction"},
      {"enum-value-without-position", S::kWarning, C::kCorrectness, "ALTER TYPE ... ADD VALUE without BEFORE/AFTER"},
      {"prefer-robust-stmts", S::kWarning, C::kCorrectness, "non-transactional statement that cannot be retried after a partial failure"},
      {"ban-domain-constraint", S::kWarning, C::kCorrectness, "CHECK constraints on domains"},
      // Type hygiene.
      {"prefer-timestamptz", S::kWarning, C::kHygiene, "timestamp without time zone"},
      {"prefer-jsonb", S::kWarning, C::kHygiene, "json instead of jsonb"},
      {"ban-char-field", S::kWarning, C::kHygiene, "char(n)"},
      {"prefer-text-field", S::kWarning, C::kHygiene, "varchar(n) instead of text with a CHECK"},
      {"prefer-bigint-id", S::kWarning, C::kHygiene, "int/smallint/serial id columns"},
      {"prefer-identity", S::kWarning, C::kHygiene, "serial instead of identity columns"},
      {"index-too-many-columns", S::kWarning, C::kHygiene, "index over more than three columns"},
      // Cross-feature conflicts.
      {"conflict-drop-used", S::kError, C::kConflict, "one feature drops or renames what an independent feature uses"},
      {"conflict-both-alter", S::kError, C::kConflict, "two independent features alter the same column"},
      {"conflict-both-create", S::kError, C::kConflict, "two independent features create an object of the same name"},
      {"missing-requires", S::kError, C::kConflict, "uses an object created by another feature without `requires`"},
      // About the run.
      {"not-analysed", S::kWarning, C::kMeta, "statement libpg_query (PostgreSQL grammar) cannot parse"},
      {"unknown-lint-allow", S::kError, C::kMeta, "lint-allow names a rule that does not exist"},
      {"unknown-lint-config", S::kError, C::kMeta, "[lint] names an unknown rule or severity"},
  };
  return rules;
}

const RuleInfo* find_rule(std::string_view id) {
  const auto& rules = lint_rules();
  auto it = std::find_if(rules.begin(), rules.end(), [&](const RuleInfo& r) { return id == r.id; });
  return it == rules.end() ? nullptr : &*it;
}

int LintReport::errors() const {
  return static_cast<int>(std::count_if(findings.begin(), findings.end(),
                                        [](const LintFinding& f) { return f.severity == LintSeverity::kError; }));
}

int LintReport::warnings() const {
  return static_cast<int>(std::count_if(findings.begin(), findings.end(),
                                        [](const LintFinding& f) { return f.severity == LintSeverity::kWarning; }));
}

}  // namespace trellis
