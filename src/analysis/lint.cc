// lint.cc — hazards + context -> findings; conflicts; lint-allow; severities.
#include <algorithm>
#include <set>
#include <unordered_map>

#include "analysis/lint_facts.h"
#include "project/ids.h"
#include "trellis/lint.h"

namespace trellis {
namespace {

using analysis::ProjectFacts;

// Tables created by each migration, to decide which tables are new (no rows yet) when a
// migration runs.
class NewTables {
 public:
  NewTables(const std::vector<Migration>& migrations, const std::vector<const MigrationAnalysis*>& analyses,
            const LintOptions& options)
      : migrations_(migrations), options_(options) {
    for (size_t mi = 0; mi < analyses.size(); ++mi) {
      for (const auto& s : analyses[mi]->statements) {
        for (const auto& u : s.objects) {
          // Materialized views are created by CREATE ... AS and refreshed like tables.
          bool relation = u.kind == ObjectKind::kTable || u.kind == ObjectKind::kView;
          if (u.access == Access::kCreate && relation) creators_[u.name].push_back(mi);
        }
      }
    }
  }

  // Whether `table` is new for migration `mi` (not counting its own earlier statements).
  bool is_new(const std::string& table, size_t mi) const {
    if (options_.is_new_table && options_.is_new_table(table)) return true;
    auto it = creators_.find(table);
    if (it == creators_.end()) return false;
    const Migration& m = migrations_[mi];
    for (size_t ci : it->second) {
      const Migration& c = migrations_[ci];
      if (ci == mi || (options_.is_applied && options_.is_applied(c.id))) continue;
      if (depends(m, c)) return true;
    }
    return false;
  }

 private:
  bool depends(const Migration& m, const Migration& c) const {
    if (options_.depends_on) return options_.depends_on(m.id, c.id);
    return m.feature == c.feature && &c < &m;  // the chain: same feature, earlier number
  }

  const std::vector<Migration>& migrations_;
  const LintOptions& options_;
  std::unordered_map<std::string, std::vector<size_t>> creators_;
};

struct Context {
  const LintOptions& options;
  const ProjectFacts& facts;
  const NewTables& new_tables;
  LintReport& report;
};

LintSeverity severity_for(const std::string& rule, const LintOptions& options) {
  auto it = options.severity.find(rule);
  if (it != options.severity.end()) {
    if (it->second == "error") return LintSeverity::kError;
    if (it->second == "warning") return LintSeverity::kWarning;
    if (it->second == "off") return LintSeverity::kOff;
  }
  const RuleInfo* info = find_rule(rule);
  return info ? info->default_severity : LintSeverity::kError;
}

bool skipped_for_dialect(const std::string& rule, Dialect dialect) {
  if (dialect == Dialect::kPostgres) return false;
  const RuleInfo* info = find_rule(rule);
  return info && info->scope == RuleScope::kPostgresOnly;
}

// A finding of `rule` at line:col of the migration's file (add() fills in file and id).
LintFinding finding_at(std::string rule, int line, int col, std::string message, std::string help) {
  LintFinding f;
  f.code = std::move(rule);
  f.line = line;
  f.column = col;
  f.message = std::move(message);
  f.hint = std::move(help);
  return f;
}

void add(Context& ctx, const Migration& m, const std::set<std::string>& allowed, LintFinding f) {
  if (allowed.count(f.code) || skipped_for_dialect(f.code, ctx.options.dialect)) return;
  LintSeverity severity = severity_for(f.code, ctx.options);
  if (severity == LintSeverity::kOff) return;
  f.severity = severity == LintSeverity::kError ? Severity::kError : Severity::kWarning;
  f.file = m.path;
  f.id = m.id;
  ctx.report.findings.push_back(std::move(f));
}


// Completes the hazards whose message depends on other files; false: not applicable.
bool resolve_cross_file(Hazard& h, const ProjectFacts& facts, int postgres_version, size_t mi, size_t si) {
  if (!h.exempt_if_validated_check.empty()) {
    const std::string& key = h.exempt_if_validated_check;
    bool any = key.size() > 2 && key.substr(key.size() - 2) == ".*";
    bool has_check = any ? facts.tables_with_validated_check.count(key.substr(0, key.size() - 2)) > 0
                         : facts.validated_not_null.count(key) > 0;
    bool check_used = h.exempt_from_version == 0 || postgres_version == 0 || postgres_version >= h.exempt_from_version;
    if (has_check && check_used) return false;
    if (!check_used) {
      std::string v = std::to_string(postgres_version);
      h.message += std::string(has_check ? " even with the validated CHECK" : "") + ": PostgreSQL " + v +
                   " does not use a CHECK to skip the scan (" + std::to_string(h.exempt_from_version) + " and later do)";
      h.help = "on PostgreSQL " + v + " keep the validated CHECK (" +
               h.exempt_if_validated_check.substr(h.exempt_if_validated_check.find('.') + 1) +
               " IS NOT NULL) in place of SET NOT NULL, or set NOT NULL at a quiet time with a short lock_timeout";
    }
  }
  if (!h.foreign_key.empty()) {
    auto it = facts.foreign_keys.find(h.foreign_key);
    if (it == facts.foreign_keys.end()) return false;
    std::string name = h.foreign_key.substr(h.table.size() + 1);
    h.message = "dropping foreign key " + name + " takes ACCESS EXCLUSIVE locks on " + h.table +
                " and on the referenced table " + it->second + ", which block all reads and writes on both";
    h.help = "drop it with a short lock_timeout in its own migration, at a quiet time; both tables are blocked while it waits";
  }
  if (!h.primary_key.empty() && !facts.primary_keys.count(h.primary_key)) return false;
  bool older = postgres_version > 0 && postgres_version < h.help_before_version;
  if (older && !h.help_before.empty()) h.help = h.help_before;
  if (h.rule == "needs-newer-postgres") h.message += " (linting for PostgreSQL " + std::to_string(postgres_version) + ")";
  if (h.rule == "change-column-type") {
    std::string old_type = facts.type_before(h.column, mi, si);
    if (!h.new_type.empty() && analysis::type_change_is_free(old_type, h.new_type)) return false;
    if (!old_type.empty()) h.message += " (from " + old_type + ")";
  }
  return true;
}

bool table_is_new(const Context& ctx, const std::string& table, const std::set<std::string>& created_here,
                  size_t mi) {
  if (table.empty()) return false;
  return created_here.count(table) || ctx.new_tables.is_new(table, mi);
}

bool applies(const Context& ctx, const Hazard& h, const Migration& m, const std::set<std::string>& created_here,
             size_t mi) {
  if (h.only_existing_table && table_is_new(ctx, h.table, created_here, mi)) return false;
  if (h.only_in_transaction && m.tx != TxMode::kTransactional) return false;
  if (h.only_without_transaction && m.tx == TxMode::kTransactional) return false;
  if (h.only_outside_contract && m.phase == Phase::kContract) return false;
  if (h.only_before_version) {
    int v = ctx.options.postgres_version;
    if (v == 0 || v >= h.only_before_version) return false;
  }
  return true;
}

std::set<std::string> allowed_rules(Context& ctx, const Migration& m) {
  std::set<std::string> allowed;
  for (const auto& a : m.lint_allows) {
    if (find_rule(a.rule)) {
      allowed.insert(a.rule);
      continue;
    }
    LintFinding f;
    f.code = "unknown-lint-allow";
    f.line = a.line;
    f.column = 1;
    f.message = "lint-allow names unknown rule '" + a.rule + "'";
    f.hint = "use a rule id from docs/lint-rules.md (`trellis lint --format json` shows the ids of findings)";
    add(ctx, m, {}, std::move(f));
  }
  return allowed;
}

void lint_statement(Context& ctx, const Migration& m, const std::set<std::string>& allowed,
                    const StatementInfo& s, std::set<std::string>& created_here, size_t mi,
                    size_t si) {
  if (!s.parsed) {
    LintFinding f;
    f.code = "not-analysed";
    f.line = s.line;
    f.column = s.col;
    f.message = "statement not analysed: the PostgreSQL parser rejects it (" + s.parse_error +
                "), so no lint rule or conflict check saw it";
    f.hint = "expected for SQLite-only SQL; otherwise check the statement's syntax";
    add(ctx, m, allowed, std::move(f));
    return;
  }
  for (Hazard h : s.hazards) {
    if (!applies(ctx, h, m, created_here, mi)) continue;
    if (!resolve_cross_file(h, ctx.facts, ctx.options.postgres_version, mi, si)) continue;
    add(ctx, m, allowed, finding_at(h.rule, h.line, h.col, h.message, h.help));
  }
  for (const auto& u : s.objects) {
    bool relation = u.kind == ObjectKind::kTable || u.kind == ObjectKind::kView;
    if (u.access == Access::kCreate && relation) created_here.insert(u.name);
  }
}

void check_config(Context& ctx) {
  for (const auto& [rule, value] : ctx.options.severity) {
    bool known_value = value == "error" || value == "warning" || value == "off";
    if (find_rule(rule) && known_value) continue;
    LintFinding f;
    f.code = "unknown-lint-config";
    f.severity = Severity::kError;
    f.file = "trellis.toml";
    f.message = find_rule(rule) ? "[lint] " + rule + " = \"" + value + "\": severity must be error, warning or off"
                                : "[lint] names unknown rule '" + rule + "'";
    f.hint = "rule ids are listed in docs/lint-rules.md";
    ctx.report.findings.push_back(std::move(f));
  }
}

void add_conflicts(Context& ctx, const std::vector<Migration>& migrations,
                   const AnalysisLookup& lookup, const std::set<std::string>& only,
                   const std::map<std::string, const Migration*>& by_id) {
  for (const auto& c : find_conflicts(migrations, lookup, ctx.options.depends_on)) {
    if (!only.empty() && !only.count(c.id)) continue;
    const Migration& m = *by_id.at(c.id);
    std::set<std::string> allowed;
    for (const auto& a : m.lint_allows) allowed.insert(a.rule);
    add(ctx, m, allowed, finding_at(c.code, c.line, c.column, c.message, c.hint));
  }
}

// `-- conflicts: Y` on M: M must not be applied while Y is. When Y is always applied
// before M (M depends on it), or in either order (independent), Trellis would apply both.
void add_declared_conflicts(Context& ctx, const std::vector<Migration>& migrations, const std::set<std::string>& only) {
  for (const Migration& m : migrations) {
    if (m.conflicts.empty() || (!only.empty() && !only.count(m.id))) continue;
    std::set<std::string> allowed;
    for (const auto& a : m.lint_allows) allowed.insert(a.rule);
    for (const Requirement& c : m.conflicts) {
      auto ref = parse_id(c.id);
      const Migration* y = nullptr;
      for (const Migration& other : migrations) {
        if (ref && other.feature == ref->feature && compare_numbers(other.number, ref->number) == 0) y = &other;
      }
      if (y == nullptr || y == &m || ctx.options.depends_on(y->id, m.id)) continue;  // Y after M: it holds
      bool before = ctx.options.depends_on(m.id, y->id);
      std::string message =
          m.id + " declares it conflicts with " + y->id + " (must not be applied while it is), but " + y->id +
          (before ? " is always applied before it, so applying both breaks the declared conflict"
                  : " is independent of it: Trellis may apply both, in either order");
      add(ctx, m, allowed,
          finding_at("declared-conflict", c.line, 1, message,
                     before ? "if this migration's up undoes " + y->id + ", say so: -- lint-allow: declared-conflict "
                                  "\"its up reverts " + y->id + "\"; else drop the conflict if it no longer holds"
                            : "release only one of them where the conflict matters, or order them with -- requires: " +
                                  m.id + " in " + y->id + " if it is meant to replace this one"));
    }
  }
}

}  // namespace

LintReport lint(const std::vector<Migration>& migrations, const LintOptions& options,
                const AnalysisLookup& analysis, const std::vector<std::string>& only_ids) {
  std::vector<MigrationAnalysis> fresh;
  if (!analysis) {
    fresh.reserve(migrations.size());
    for (const auto& m : migrations) fresh.push_back(analyse_migration(m));
  }
  std::map<std::string, size_t> index;
  std::map<std::string, const Migration*> by_id;
  for (size_t i = 0; i < migrations.size(); ++i) {
    index[migrations[i].id] = i;
    by_id[migrations[i].id] = &migrations[i];
  }
  AnalysisLookup lookup = analysis ? analysis : AnalysisLookup([&](const Migration& m) -> const MigrationAnalysis& {
    return fresh[index.at(m.id)];
  });
  std::vector<const MigrationAnalysis*> analyses;
  for (const auto& m : migrations) analyses.push_back(&lookup(m));
  ProjectFacts facts = analysis::collect_facts(analyses);
  NewTables new_tables(migrations, analyses, options);
  LintReport report;
  report.dialect = options.dialect;
  report.postgres_version = options.dialect == Dialect::kPostgres ? options.postgres_version : 0;
  Context ctx{options, facts, new_tables, report};
  std::set<std::string> only(only_ids.begin(), only_ids.end());
  check_config(ctx);
  for (size_t mi = 0; mi < migrations.size(); ++mi) {
    const Migration& m = migrations[mi];
    if (!only.empty() && !only.count(m.id)) continue;
    std::set<std::string> allowed = allowed_rules(ctx, m);
    std::set<std::string> created_here;
    const auto& statements = analyses[mi]->statements;
    for (size_t si = 0; si < statements.size(); ++si) {
      lint_statement(ctx, m, allowed, statements[si], created_here, mi, si);
    }
  }
  if (options.depends_on) {
    add_conflicts(ctx, migrations, lookup, only, by_id);
    add_declared_conflicts(ctx, migrations, only);
  }
  std::stable_sort(report.findings.begin(), report.findings.end(), [](const LintFinding& a, const LintFinding& b) {
    return std::tie(a.file, a.line, a.column, a.code) < std::tie(b.file, b.line, b.column, b.code);
  });
  return report;
}

}  // namespace trellis
