// model_dml.cc — SELECT, INSERT, UPDATE, DELETE: tables read and written; full-table
// data changes mixed with DDL in one transaction.
#include <algorithm>

#include "analysis/model.h"

namespace trellis::analysis {

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

// Keeps unbatched-dml-with-ddl only in migrations that also change the schema.
void flag_unbatched_dml(std::vector<StatementInfo>& statements, const MigrationState& state) {
  if (state.has_ddl) return;
  for (auto& s : statements) {
    auto& h = s.hazards;
    h.erase(std::remove_if(h.begin(), h.end(),
                           [](const Hazard& x) { return x.rule == "unbatched-dml-with-ddl"; }),
            h.end());
  }
}

}  // namespace trellis::analysis
