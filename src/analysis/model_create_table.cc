// model_create_table.cc — CREATE TABLE: the table, its columns and constraints.
#include "analysis/model.h"

namespace trellis::analysis {

void model_table_constraint(const std::string& table, const Json& con, Builder& b,
                            bool on_existing);

void model_create_table(const Json& stmt, Builder& b) {
  const Json& rel = field(stmt, "relation");
  std::string table = range_var_name(rel);
  b.use(ObjectKind::kTable, table, Access::kCreate, node_location(rel));
  b.state().created_tables.insert(table);
  const Json& elts = field(stmt, "tableElts");
  if (elts.is_array()) {
    for (const auto& e : elts) {
      if (field(e, "ColumnDef").is_object()) {
        model_column_def(table, field(e, "ColumnDef"), b, /*adding_to_existing=*/false);
      } else if (field(e, "Constraint").is_object()) {
        model_table_constraint(table, field(e, "Constraint"), b, /*on_existing=*/false);
      }
    }
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
