// down_lint.cc — lint of down sections: each down as a section of its own.
#include <algorithm>
#include <string>

#include "trellis/lint.h"

namespace trellis {
namespace {

// The down of `m` as the section of a migration, with the down's transaction mode.
Migration as_down(const Migration& m) {
  Migration d;
  d.id = m.id;
  d.feature = m.feature;
  d.number = m.number;
  d.slug = m.slug;
  d.path = m.path;
  d.checksum = m.checksum + ":down";
  d.phase = Phase::kContract;  // what a down does is a contraction of what its up added
  d.tx = d.down_tx = m.down_tx;
  d.lock_timeout = m.lock_timeout;
  d.statement_timeout = m.statement_timeout;
  d.lint_allows = m.lint_allows;
  d.up = m.down;
  return d;
}

bool applies_to_downs(const std::string& rule) {
  const RuleInfo* info = find_rule(rule);
  if (info == nullptr) return false;
  switch (info->category) {
    case RuleCategory::kLock:
    case RuleCategory::kCorrectness: return true;
    case RuleCategory::kMeta: return rule == "not-analysed";  // the others are the up's findings
    default: return false;
  }
}

}  // namespace

LintReport lint_downs(const std::vector<Migration>& migrations, const LintOptions& options,
                      const AnalysisLookup& analysis, const std::vector<std::string>& only) {
  LintOptions own = options;
  own.depends_on = {};    // no cross-feature conflicts
  own.is_new_table = {};  // at rollback every table exists but those the down creates
  own.is_applied = {};
  LintReport out;
  out.dialect = options.dialect;
  out.postgres_version = options.dialect == Dialect::kPostgres ? options.postgres_version : 0;
  for (const auto& m : migrations) {
    if (!m.reversible() || !m.down.has_sql) continue;
    if (!only.empty() && std::find(only.begin(), only.end(), m.id) == only.end()) continue;
    std::vector<Migration> one{as_down(m)};
    for (auto& f : lint(one, own, analysis).findings) {
      if (!applies_to_downs(f.code)) continue;
      // A down's locks are warnings unless [lint] sets the rule's severity: an undo is
      // run rarely, by hand, and its DROP INDEX has no safer form inside a transaction.
      if (find_rule(f.code)->category == RuleCategory::kLock && !options.severity.count(f.code) &&
          f.severity == Severity::kError) {
        f.severity = Severity::kWarning;
      }
      f.message = "down section: " + f.message;
      for (std::string* text : {&f.message, &f.hint}) {  // the directive that sets the down's mode
        auto at = text->find("-- transaction: false");
        if (at != std::string::npos) text->replace(at, 21, "-- transaction: down=false");
      }
      out.findings.push_back(std::move(f));
    }
  }
  return out;
}

}  // namespace trellis
