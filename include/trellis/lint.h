// trellis/lint.h — zero-downtime lint rules and cross-feature conflicts as one report.
//
// lint() turns the hazards of the statement model (analysis.h) into findings, deciding
// for each from the migration's phase and transaction mode, whether the table already
// exists, the project's [lint] severities and the file's `lint-allow` directives; and adds
// cross-feature conflicts and statements that could not be analysed. Rule ids are stable;
// docs/lint-rules.md describes each.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "trellis/analysis.h"
#include "trellis/diagnostic.h"
#include "trellis/migration.h"

namespace trellis {

enum class LintSeverity { kOff, kWarning, kError };
const char* severity_name(LintSeverity severity);  // "off", "warning", "error"

enum class RuleCategory {
  kLock,         // blocks reads or writes on an existing table, or rewrites it
  kBreaking,     // destructive or incompatible with code still running: contract only
  kCorrectness,  // fails or misbehaves as written
  kHygiene,      // type and schema choices that hurt later
  kConflict,     // cross-feature conflicts and undeclared dependencies
  kMeta,         // about the lint run itself (unknown rule, not analysed)
};

// Which databases a rule makes sense for. PostgreSQL-only rules (table lock levels,
// CONCURRENTLY, PostgreSQL type choices) are skipped on SQLite projects.
enum class RuleScope { kAnyDatabase, kPostgresOnly };

struct RuleInfo {
  const char* id;
  LintSeverity default_severity;
  RuleCategory category;
  const char* summary;
  RuleScope scope = RuleScope::kAnyDatabase;
};

// The database the migrations are written for.
enum class Dialect { kPostgres, kSqlite };
// A backend's name ("sqlite", "postgres", as trellis::backend_name() answers for a
// URL) -> its dialect; anything else ("") -> kPostgres. dialect_of_url()
// (trellis/workspace.h) asks it for a database URL.
Dialect dialect_named(std::string_view backend);
const char* dialect_name(Dialect dialect);  // "postgres", "sqlite"

// Every rule, in documentation order.
const std::vector<RuleInfo>& lint_rules();
const RuleInfo* find_rule(std::string_view id);

// One finding: `code` is the rule id, `hint` its help, `id` the migration; the severity
// is the rule's after [lint] (never off: findings of rules turned off are dropped).
using LintFinding = Diagnostic;

struct LintReport {
  std::vector<LintFinding> findings;  // sorted by file, line, col, rule
  // Without a database: which migrations were taken as applied (told on stderr and in
  // JSON); "" when the state was read from a database.
  std::string assumption;
  // What the rules were checked for: the dialect, and the PostgreSQL major version that
  // version-dependent rules followed (0: none known, so they assume 12 or later).
  Dialect dialect = Dialect::kPostgres;
  int postgres_version = 0;
  int errors() const;
  int warnings() const;
  bool ok() const { return errors() == 0; }
};

struct LintOptions {
  // Config::lint.severity: rule id -> "error" | "warning" | "off".
  std::map<std::string, std::string> severity;
  // Whether a migration is applied in the target database. Empty: nothing is applied
  // (no database, or `lint --offline`).
  //
  // A table is new for migration M (no rows, nobody uses it yet, so lock hazards that
  // need existing rows do not apply) when it is created earlier in M, or by a migration
  // M depends on (by `depends_on`, or without it: an earlier migration of M's feature)
  // that is not applied.
  std::function<bool(const std::string& id)> is_applied;
  // Further tables to treat as new in every migration (embedding, tests). Optional.
  std::function<bool(const std::string& table)> is_new_table;
  // a depends on b, transitively. Empty: cross-feature conflicts are not checked.
  DependsOn depends_on;
  // kSqlite skips the rules whose scope is kPostgresOnly (see docs/lint-rules.md).
  Dialect dialect = Dialect::kPostgres;
  // The PostgreSQL major version the migrations run on ([lint] postgres_version or the
  // server's); 0 = unknown: the rules assume 12 or later (a constant DEFAULT does not
  // rewrite, SET NOT NULL uses a validated CHECK instead of scanning).
  int postgres_version = 0;
};

// Lints `migrations` (all of the project, so that conflicts and earlier column types are
// known). `only` restricts which migrations' findings are reported (ids); empty = all.
// `analysis` supplies analyses (e.g. AnalysisCache::get); empty = analyse each afresh.
LintReport lint(const std::vector<Migration>& migrations, const LintOptions& options,
                const AnalysisLookup& analysis = {},
                const std::vector<std::string>& only = {});

// The down sections of `migrations` (those with SQL), each linted on its own as a section
// that runs with the down's transaction mode (a CREATE INDEX CONCURRENTLY in a
// transactional down is an error, as in an up): the correctness and meta rules, the lock
// rules (as warnings unless [lint] sets their severity), not the breaking rules (a down exists to take away what its up added), the hygiene rules
// (it restores earlier definitions, whatever their types) or conflicts. Messages start
// with "down section: ". `only` and `analysis` as for lint(); `analysis` is asked about a
// migration whose section is the down and whose checksum is the file's + ":down".
LintReport lint_downs(const std::vector<Migration>& migrations, const LintOptions& options,
                      const AnalysisLookup& analysis = {}, const std::vector<std::string>& only = {});

// ---- formatters ----
enum class LintFormat { kText, kJson, kSarif, kGithub };
// Parses "text" | "json" | "sarif" | "github"; throws Error(kUsage) otherwise.
LintFormat parse_lint_format(const std::string& name);
// text:   "file:line:col: error[rule]: message\n  help: ...\n" per finding, then a total.
// json:   {"ok": bool, "errors": N, "warnings": N, "assumption": text|null, "dialect":
//          "postgres"|"sqlite", "postgres_version": N|null, "findings":
//          [{rule, severity, file, line, col, message, help, id}]}
// sarif:  SARIF 2.1.0 with one run, tool "trellis", rules from the catalogue (each with a
//          helpUri into docs/lint-rules.md; results name their ruleIndex).
// github: "::error file=F,line=L,col=C,title=RULE::message  help: ..." per finding.
std::string format_report(const LintReport& report, LintFormat format);

// ---- plan summary ----
struct MigrationLintSummary {
  std::string id;
  TableLock strongest_lock;       // table "" and kNone when it takes none
  std::vector<LintFinding> findings;  // this migration's findings
};
// One entry per migration of `ids`, in that order.
std::vector<MigrationLintSummary> summarise_for_plan(const std::vector<Migration>& migrations,
                                                     const LintReport& report,
                                                     const AnalysisLookup& analysis,
                                                     const std::vector<std::string>& ids);

}  // namespace trellis
