// model_backfill.cc — range-mode backfill bodies: batch i covers `K > :lo AND K <= :hi`
// (docs/zero-downtime.md), so a body whose WHERE is another window silently misses rows
// (`K < :hi`: the row at :hi is in no batch) or changes some twice (`K >= :lo`: the row
// at :lo was the previous batch's :hi). Decided from the parse tree: the conditions ANDed
// at the top of the WHERE that compare a column with :lo or :hi.
#include <algorithm>
#include <cctype>

#include "analysis/model.h"

namespace trellis::analysis {
namespace {

// `column op :param`, turned so that the column is on the left.
struct Bound {
  std::string qualifier;  // "o" of o.id; "" when unqualified
  std::string column;
  std::string op;         // ">", ">=", "<", "<=", "=", …
  std::string param;      // "lo" or "hi"
  int location = -1;
  bool between = false;   // one side of `K BETWEEN :lo AND :hi`
};

const Json& unwrap_casts(const Json& node) {
  const Json* n = &node;
  while (field(*n, "TypeCast").is_object()) n = &field(field(*n, "TypeCast"), "arg");
  return *n;
}

std::string window_param(const Json& node, const BackfillWindow& w, const Builder& b) {
  const Json& ref = field(unwrap_casts(node), "ParamRef");
  if (!ref.is_object()) return {};
  auto it = w.params.find(b.offset_of(node_location(ref)));
  if (it == w.params.end() || (it->second != "lo" && it->second != "hi")) return {};
  return it->second;
}

bool column_ref(const Json& node, Bound& out) {
  const Json& ref = field(unwrap_casts(node), "ColumnRef");
  const Json& fields = field(ref, "fields");
  if (!fields.is_array() || fields.empty()) return false;
  std::vector<std::string> parts;
  for (const auto& f : fields) parts.push_back(str(field(f, "String"), "sval"));
  out.column = parts.back();
  out.qualifier = parts.size() > 1 ? parts[parts.size() - 2] : "";
  out.location = node_location(ref);
  return !out.column.empty();
}

std::string flipped(const std::string& op) {
  if (op == ">") return "<";
  if (op == "<") return ">";
  if (op == ">=") return "<=";
  if (op == "<=") return ">=";
  return op;
}

void conjuncts(const Json& expr, std::vector<const Json*>& out) {
  const Json& boolean = field(expr, "BoolExpr");
  if (str(boolean, "boolop") == "AND_EXPR") {
    for (const auto& arg : field(boolean, "args")) conjuncts(arg, out);
    return;
  }
  if (expr.is_object()) out.push_back(&expr);
}

// The bounds one top-level condition sets: `K op :p`, `:p op K`, `K BETWEEN :lo AND :hi`.
void bounds_of(const Json& cond, const BackfillWindow& w, const Builder& b, std::vector<Bound>& out) {
  const Json& e = field(cond, "A_Expr");
  std::string kind = str(e, "kind");
  if (kind == "AEXPR_OP") {
    Bound bound;
    bound.op = last_name(field(e, "name"));
    if (column_ref(field(e, "lexpr"), bound) && !(bound.param = window_param(field(e, "rexpr"), w, b)).empty()) {
      out.push_back(bound);
    } else if (column_ref(field(e, "rexpr"), bound) &&
               !(bound.param = window_param(field(e, "lexpr"), w, b)).empty()) {
      bound.op = flipped(bound.op);
      out.push_back(bound);
    }
  } else if (kind == "AEXPR_BETWEEN") {
    Bound column;
    const Json& items = field(field(field(e, "rexpr"), "List"), "items");
    if (!column_ref(field(e, "lexpr"), column) || !items.is_array() || items.size() != 2) return;
    const char* ops[] = {">=", "<="};
    for (size_t i = 0; i < 2; ++i) {
      Bound bound = column;
      bound.op = ops[i];
      bound.between = true;
      bound.param = window_param(items[i], w, b);
      if (!bound.param.empty()) out.push_back(bound);
    }
  }
}

// How many :lo / :hi parameters appear anywhere under `node`.
int window_params_in(const Json& node, const BackfillWindow& w, const Builder& b) {
  int n = 0;
  if (node.is_object()) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (it.key() == "ParamRef") {
        auto p = w.params.find(b.offset_of(node_location(it.value())));
        n += p != w.params.end() && (p->second == "lo" || p->second == "hi");
      } else {
        n += window_params_in(it.value(), w, b);
      }
    }
  } else if (node.is_array()) {
    for (const auto& item : node) n += window_params_in(item, w, b);
  }
  return n;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// The names the batch table goes by in the statement: its own, and its aliases.
void table_names(const Json& stmt, const std::string& table, std::vector<std::string>& names) {
  std::vector<const Json*> vars;
  if (field(stmt, "relation").is_object()) vars.push_back(&field(stmt, "relation"));  // a typed field, not a node
  collect_range_vars(stmt, vars);
  std::string bare = table.substr(table.rfind('.') == std::string::npos ? 0 : table.rfind('.') + 1);
  for (const Json* v : vars) {
    if (range_var_name(*v) != lower(table) && str(*v, "relname") != lower(bare)) continue;
    names.push_back(str(*v, "relname"));
    std::string alias = str(field(field(*v, "alias"), "Alias"), "aliasname");
    if (alias.empty()) alias = str(field(*v, "alias"), "aliasname");
    if (!alias.empty()) names.push_back(alias);
  }
}

struct Verdict {
  std::vector<std::string> problems;
  int location = -1;
  void add(std::string problem, int at) {
    if (std::find(problems.begin(), problems.end(), problem) != problems.end()) return;
    if (location < 0) location = at;
    problems.push_back(std::move(problem));
  }
};

// What a wrong side of the window does, given the other side (`lo_op`, `hi_op`: the
// operators found on the key, "" when none).
std::string side_problem(const std::string& key, bool lo, const std::string& op, const std::string& other_op,
                         bool between) {
  std::string written = "`" + key + " " + op + (lo ? " :lo`" : " :hi`");
  if (between) written = "`" + key + " BETWEEN :lo AND :hi` (" + written + ")";
  if (lo && op == ">=") {
    return other_op == "<" ? written + " with `" + key + " < :hi` makes every batch [lo, hi) instead of (lo, hi]: the row at the walk's last :hi is never changed"
                           : written + " includes the row at :lo, which the previous batch (whose :hi it is) already changed: boundary rows are changed twice";
  }
  if (!lo && op == "<") {
    return other_op == ">=" ? "" : written + " leaves out the row at :hi, and the next batch starts after it: one row per batch is never changed";
  }
  return written + " is not a side of the window (" + key + (lo ? " > :lo" : " <= :hi") + ")";
}

void judge(const std::vector<Bound>& bounds, const std::vector<std::string>& names, const std::string& key,
           Verdict& v) {
  std::string lo_op, hi_op;
  int lo_at = -1, hi_at = -1;
  bool lo_between = false;
  bool lo_elsewhere = false, hi_elsewhere = false;
  for (const Bound& b : bounds) {
    bool lo = b.param == "lo";
    bool other_table = !b.qualifier.empty() && std::find(names.begin(), names.end(), b.qualifier) == names.end();
    if (b.column != lower(key) || other_table) {
      std::string column = (b.qualifier.empty() ? "" : b.qualifier + ".") + b.column;
      v.add("`" + column + " " + b.op + " :" + b.param + "` bounds " + column +
                ", but the runner computes :lo and :hi from the batch key " + key + " of the batch table",
            b.location);
      (lo ? lo_elsewhere : hi_elsewhere) = true;
      continue;
    }
    std::string& op = lo ? lo_op : hi_op;
    if (op.empty() || op == (lo ? ">" : "<=")) {
      op = b.op;
      (lo ? lo_at : hi_at) = b.location;
      if (lo) lo_between = b.between;
    }
  }
  if (!lo_op.empty() && lo_op != ">") v.add(side_problem(key, true, lo_op, hi_op, lo_between), lo_at);
  if (!hi_op.empty() && hi_op != "<=") {
    std::string problem = side_problem(key, false, hi_op, lo_op, false);
    if (!problem.empty()) v.add(problem, hi_at);
  }
  if (lo_op.empty() && !lo_elsewhere) v.add("no lower bound `" + key + " > :lo`: every batch changes again the rows of all earlier batches", -1);
  if (hi_op.empty() && !hi_elsewhere) v.add("no upper bound `" + key + " <= :hi`: every batch changes every row after :lo, to the end of the table", -1);
}

// The WHERE that holds the window: the statement's own (an INSERT's SELECT's), else the
// first nested one whose top-level conditions bound a column by :lo or :hi.
const Json* window_where(const Json& node, const BackfillWindow& w, const Builder& b, int depth) {
  if (depth > 32 || !(node.is_object() || node.is_array())) return nullptr;
  if (node.is_object()) {
    const Json& where = field(node, "whereClause");
    if (where.is_object()) {
      std::vector<const Json*> conds;
      std::vector<Bound> bounds;
      conjuncts(where, conds);
      for (const Json* c : conds) bounds_of(*c, w, b, bounds);
      if (!bounds.empty()) return &where;
    }
  }
  for (const auto& child : node) {
    if (const Json* found = window_where(child, w, b, depth + 1)) return found;
  }
  return nullptr;
}

}  // namespace

void check_backfill_window(const std::string& kind, const Json& stmt, const BackfillWindow& window, Builder& b) {
  if (kind != "UpdateStmt" && kind != "DeleteStmt" && kind != "InsertStmt") return;
  int used = window_params_in(stmt, window, b);
  if (kind == "InsertStmt" && used == 0) return;  // INSERT … VALUES: no rows walked
  Verdict v;
  const Json* where = used > 0 ? window_where(stmt, window, b, 0) : nullptr;
  std::vector<Bound> bounds;
  if (where != nullptr) {
    std::vector<const Json*> conds;
    conjuncts(*where, conds);
    for (const Json* c : conds) bounds_of(*c, window, b, bounds);
  }
  if (used == 0) {
    v.add("it uses neither :lo nor :hi, so every batch changes the whole table again", -1);
  } else if (static_cast<int>(bounds.size()) < used) {
    v.add(":lo or :hi is used other than in a condition `" + window.key + " op :lo` ANDed with the rest of the WHERE (under OR, in an expression or a function), so the batch's rows are not the window", -1);
  }
  if (used > 0) {
    std::vector<std::string> names;
    table_names(stmt, window.table, names);
    judge(bounds, names, window.key, v);
  }
  if (v.problems.empty()) return;
  if (v.location < 0 && !bounds.empty()) v.location = bounds.front().location;  // at the WHERE
  std::string message = "range backfill on " + window.table + ": batch i covers " + window.key + " > :lo AND " +
                        window.key + " <= :hi, but this statement's WHERE does not: ";
  for (size_t i = 0; i < v.problems.size(); ++i) message += (i ? "; " : "") + v.problems[i];
  b.hazard("backfill-window", window.table, message,
           "write the window as `WHERE " + window.key + " > :lo AND " + window.key + " <= :hi` (AND any other condition)",
           v.location);
}

}  // namespace trellis::analysis
