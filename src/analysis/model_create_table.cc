// model_create_table.cc — CREATE TABLE: the table, its columns and constraints.
#include "analysis/model.h"

namespace trellis::analysis {

void model_table_constraint(const std::string& table, const Json& con, Builder& b,
                            bool on_existing);

namespace {

bool has_primary_key(const Json& constraints) {
  if (!constraints.is_array()) return false;
  for (const auto& c : constraints) {
    if (str(field(c, "Constraint"), "contype") == "CONSTR_PRIMARY") return true;
  }
  return false;
}

}  // namespace

void model_create_table(const Json& stmt, Builder& b) {
  const Json& rel = field(stmt, "relation");
  std::string table = range_var_name(rel);
  b.use(ObjectKind::kTable, table, Access::kCreate, node_location(rel));
  b.state().created_tables.insert(table);
  const Json& elts = field(stmt, "tableElts");
  bool primary_key = false;
  if (elts.is_array()) {
    for (const auto& e : elts) {
      if (field(e, "ColumnDef").is_object()) {
        model_column_def(table, field(e, "ColumnDef"), b, /*adding_to_existing=*/false);
        primary_key = primary_key || has_primary_key(field(field(e, "ColumnDef"), "constraints"));
      } else if (field(e, "Constraint").is_object()) {
        model_table_constraint(table, field(e, "Constraint"), b, /*on_existing=*/false);
        primary_key = primary_key || str(field(e, "Constraint"), "contype") == "CONSTR_PRIMARY";
      }
    }
  }
  // Partitions take their key from the parent; a temporary table lives one session.
  bool partition = field(stmt, "partbound").is_object();
  bool temporary = str(rel, "relpersistence") == "t";
  bool like = false;
  if (elts.is_array()) {
    for (const auto& e : elts) like = like || field(e, "TableLikeClause").is_object();
  }
  if (!primary_key && !partition && !temporary && !like && !field(stmt, "inhRelations").is_array()) {
    b.hazard("require-primary-key", table,
             "table " + table + " has no primary key: rows cannot be addressed one by one, logical replication cannot replicate its UPDATEs and DELETEs, and adding one later builds an index on a full table",
             "add a primary key (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, or the natural key)", node_location(rel));
  }
  const Json& parents = field(stmt, "inhRelations");
  if (parents.is_array()) {
    for (const auto& p : parents) {
      std::string parent = range_var_name(field(p, "RangeVar"));
      b.use(ObjectKind::kTable, parent, Access::kReference);
      b.lock(parent, LockLevel::kShareUpdateExclusive);
    }
  }
}

}  // namespace trellis::analysis
