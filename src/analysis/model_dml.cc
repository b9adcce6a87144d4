// model_dml.cc — SELECT, INSERT, UPDATE, DELETE: tables read and written; full-table
// data changes mixed with DDL in one transaction.
#include <algorithm>
#include <set>

#include "analysis/model.h"

namespace trellis::analysis {

namespace {

// UPDATE t SET a = 1, a = 2: PostgreSQL refuses "multiple assignments to same column".
void duplicate_set_columns(const std::string& table, const Json& targets, Builder& b) {
  std::set<std::string> seen;
  for (const auto& t : targets) {
    const Json& target = field(t, "ResTarget");
    std::string col = str(target, "name");
    if (col.empty() || field(target, "indirection").is_array()) continue;  // a[1], a.f: parts
    if (!seen.insert(col).second) {
      b.hazard("duplicate-set-column", table,
               "UPDATE sets column " + col + " twice: PostgreSQL fails with \"multiple assignments to same column\"",
               "set each column once", node_location(target));
    }
  }
}

}  // namespace

void model_dml(const std::string& kind, const Json& stmt, Builder& b) {
  std::vector<const Json*> vars;
  collect_range_vars(stmt, vars);
  for (const Json* v : vars) b.use(ObjectKind::kTable, range_var_name(*v), Access::kRead, node_location(*v));
  if (kind == "SelectStmt") {
    for (const Json* v : vars) b.lock(range_var_name(*v), LockLevel::kAccessShare);
    return;
  }
  const Json& rel = field(stmt, "relation");
  std::string table = range_var_name(rel);
  for (const Json* v : vars) {
    std::string name = range_var_name(*v);
    b.lock(name, name == table ? LockLevel::kRowExclusive : LockLevel::kAccessShare);
  }
  const Json& targets = field(stmt, kind == "InsertStmt" ? "cols" : "targetList");
  if (targets.is_array()) {
    for (const auto& t : targets) {
      std::string col = str(field(t, "ResTarget"), "name");
      if (!col.empty()) b.use(ObjectKind::kColumn, table + "." + col, Access::kRead, node_location(field(t, "ResTarget")));
    }
  }
  if (kind == "UpdateStmt" && targets.is_array()) duplicate_set_columns(table, targets, b);
  bool full_table = (kind == "UpdateStmt" || kind == "DeleteStmt") && !field(stmt, "whereClause").is_object();
  if (full_table && !b.is_new_table(table)) {
    b.scans();
    std::string verb = kind == "UpdateStmt" ? "UPDATE" : "DELETE";
    Hazard& h = b.hazard("unbatched-dml-with-ddl", table,
                         verb + " of every row of " + table + " in the same transaction as schema changes: the DDL's locks (up to ACCESS EXCLUSIVE, which blocks all reads and writes) are held until the whole " + verb + " commits, and every row stays locked",
                         "move the data change to a `-- phase: backfill` migration with `-- batch:` so it runs in small committed batches", node_location(rel));
    h.only_existing_table = true;
    h.only_in_transaction = true;
  }
}

// Keeps unbatched-dml-with-ddl only in migrations that also change the schema; without
// DDL the same full-table change is dml-without-where, in or out of a transaction.
void flag_unbatched_dml(std::vector<StatementInfo>& statements, const MigrationState& state) {
  if (state.has_ddl) return;
  for (auto& s : statements) {
    for (auto& h : s.hazards) {
      if (h.rule != "unbatched-dml-with-ddl") continue;
      std::string verb = s.kind == "UpdateStmt" ? "UPDATE" : "DELETE";
      h.rule = "dml-without-where";
      h.message = verb + " without WHERE changes every row of " + h.table +
                  " in one statement: every row stays locked, and the table's dead rows double, until it commits";
      h.help = "if every row must change, do it in a `-- phase: backfill` migration with `-- batch:` (small committed batches)";
      h.only_in_transaction = false;
    }
  }
}

}  // namespace trellis::analysis
