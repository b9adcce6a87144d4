#include "analysis/lint_facts.h"

namespace trellis::analysis {

ProjectFacts collect_facts(const std::vector<const MigrationAnalysis*>& analyses) {
  ProjectFacts facts;
  std::set<std::string> validated_later;  // "table.constraint"
  std::vector<ConstraintFact> checks;
  for (size_t mi = 0; mi < analyses.size(); ++mi) {
    const auto& statements = analyses[mi]->statements;
    for (size_t si = 0; si < statements.size(); ++si) {
      for (const auto& c : statements[si].constraints) {
        if (c.kind == "validate") validated_later.insert(c.table + "." + c.name);
        if (c.kind == "check") checks.push_back(c);
        if (c.kind == "foreign-key" && !c.name.empty()) facts.foreign_keys[c.table + "." + c.name] = c.references;
        if (c.kind == "primary-key") {
          std::string bare = c.table.substr(c.table.rfind('.') == std::string::npos ? 0 : c.table.rfind('.') + 1);
          facts.primary_keys.insert(c.table + "." + (c.name.empty() ? bare + "_pkey" : c.name));
        }
      }
      for (const auto& [column, type] : statements[si].column_types) {
        facts.column_types[column].push_back({mi, si, type});
      }
    }
  }
  for (const auto& c : checks) {
    bool validated = c.validated || (!c.name.empty() && validated_later.count(c.table + "." + c.name));
    if (!validated) continue;
    facts.tables_with_validated_check.insert(c.table);
    if (!c.not_null_column.empty()) facts.validated_not_null.insert(c.not_null_column);
  }
  return facts;
}

std::string ProjectFacts::type_before(const std::string& column, size_t migration,
                                      size_t statement) const {
  auto it = column_types.find(column);
  if (it == column_types.end()) return {};
  std::string found;
  for (const auto& t : it->second) {
    bool before = t.migration < migration || (t.migration == migration && t.statement < statement);
    if (before) found = t.type;
  }
  return found;
}

namespace {

struct TypeSpec {
  std::string base;
  std::vector<long> mods;
  bool array = false;
};

TypeSpec parse_type(const std::string& text) {
  TypeSpec t;
  std::string s = text;
  if (s.size() > 2 && s.substr(s.size() - 2) == "[]") {
    t.array = true;
    s.resize(s.size() - 2);
  }
  size_t open = s.find('(');
  t.base = s.substr(0, open);
  if (open == std::string::npos) return t;
  std::string inner = s.substr(open + 1, s.size() - open - 2);
  size_t start = 0;
  while (start <= inner.size()) {
    size_t comma = inner.find(',', start);
    std::string part = inner.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    t.mods.push_back(part.empty() ? 0 : std::stol(part));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return t;
}

bool is_varlen_text(const std::string& base) { return base == "varchar" || base == "text"; }

// Types whose precision change PostgreSQL (9.2 on) makes without a rewrite when it does
// not drop digits (the support functions time_support and timestamp_support; timetz has
// none). 6 is the most they keep.
bool is_datetime_with_precision(const std::string& base) {
  return base == "timestamp" || base == "timestamptz" || base == "time";
}
constexpr long kMaxPrecision = 6;

bool precision_kept(const std::vector<long>& from, const std::vector<long>& to) {
  if (to.empty() || to[0] >= kMaxPrecision) return true;
  return !from.empty() && to[0] >= from[0];
}

// interval's typmods are (fields, [precision]); no typmods is every field at precision 6.
// Free (interval_support): to unconstrained, or the same fields with no less precision.
bool interval_kept(const std::vector<long>& from, const std::vector<long>& to) {
  constexpr long kFullRange = 0x7FFF;
  if (to.empty()) return true;
  long from_fields = from.empty() ? kFullRange : from[0];
  long from_precision = from.size() > 1 ? from[1] : kMaxPrecision;
  long to_precision = to.size() > 1 ? to[1] : kMaxPrecision;
  return from_fields == to[0] && to_precision >= from_precision;
}

}  // namespace

bool type_change_is_free(const std::string& from, const std::string& to) {
  if (from.empty() || to.empty()) return false;
  if (from == to) return true;
  TypeSpec a = parse_type(from), b = parse_type(to);
  if (a.array != b.array) return false;
  // varchar(n) / varchar / text -> text or unlimited varchar: binary-coercible.
  if (is_varlen_text(a.base) && (b.base == "text" || (b.base == "varchar" && b.mods.empty()))) return true;
  // varchar(n) -> varchar(m), m >= n; the same for varbit.
  if ((a.base == "varchar" || a.base == "varbit") && a.base == b.base && a.mods.size() == 1 &&
      b.mods.size() == 1) {
    return b.mods[0] >= a.mods[0];
  }
  // numeric(p,s) -> numeric(q,s), q >= p; or unconstrained numeric.
  if (a.base == "numeric" && b.base == "numeric") {
    if (b.mods.empty()) return true;
    if (a.mods.empty()) return false;
    long as = a.mods.size() > 1 ? a.mods[1] : 0, bs = b.mods.size() > 1 ? b.mods[1] : 0;
    return as == bs && b.mods[0] >= a.mods[0];
  }
  if (a.base == "cidr" && b.base == "inet") return true;
  if (a.base == b.base && is_datetime_with_precision(a.base)) return precision_kept(a.mods, b.mods);
  if (a.base == "interval" && b.base == "interval") return interval_kept(a.mods, b.mods);
  return false;
}

}  // namespace trellis::analysis
