// model_constraint.cc — table constraints, in CREATE TABLE and ALTER TABLE ADD CONSTRAINT.
#include "analysis/model.h"

namespace trellis::analysis {
namespace {

// The column of `CHECK (col IS NOT NULL)`, or "".
std::string not_null_check_column(const Json& con) {
  const Json& test = field(field(con, "raw_expr"), "NullTest");
  if (str(test, "nulltesttype") != "IS_NOT_NULL") return {};
  return last_name(field(field(field(test, "arg"), "ColumnRef"), "fields"));
}

std::string key_columns(const Json& con) {
  std::string out;
  const Json& keys = field(con, "keys");
  if (!keys.is_array()) return out;
  for (const auto& k : keys) out += (out.empty() ? "" : ", ") + str(field(k, "String"), "sval");
  return out;
}

std::string ae_text() {
  return std::string(lock_name(LockLevel::kAccessExclusive)) + " lock, which " +
         lock_effect(LockLevel::kAccessExclusive);
}

void foreign_key(const std::string& table, const Json& con, Builder& b, bool on_existing) {
  std::string target = range_var_name(field(con, "pktable"));
  std::string name = str(con, "conname");
  bool not_valid = flag(con, "skip_validation");
  int loc = node_location(con);
  b.use(ObjectKind::kTable, target, Access::kReference, node_location(field(con, "pktable")));
  const Json& pk_attrs = field(con, "pk_attrs");
  if (pk_attrs.is_array()) {
    for (const auto& a : pk_attrs) {
      b.use(ObjectKind::kColumn, target + "." + str(field(a, "String"), "sval"), Access::kReference, loc);
    }
  }
  b.lock(target, LockLevel::kShareRowExclusive);
  if (on_existing) b.lock(table, LockLevel::kShareRowExclusive);
  b.constraint({table, name, "foreign-key", "", target, !not_valid});
  if (not_valid) {
    b.state().not_valid_constraints[table + "." + name] = LockLevel::kShareRowExclusive;
  } else if (on_existing) {
    b.scans();
    std::string lock = std::string(lock_name(LockLevel::kShareRowExclusive)) + " locks on " + table + " and " + target + ", which " + lock_effect(LockLevel::kShareRowExclusive);
    b.hazard("constraint-missing-not-valid", table,
             "adding foreign key " + (name.empty() ? std::string("constraint") : name) + " validates every row of " + table + " while holding " + lock,
             "ADD CONSTRAINT ... NOT VALID, then VALIDATE CONSTRAINT in a later migration (SHARE UPDATE EXCLUSIVE: reads and writes proceed)", loc)
        .only_existing_table = true;
  }
}

void check(const std::string& table, const Json& con, Builder& b, bool on_existing) {
  std::string name = str(con, "conname");
  bool not_valid = flag(con, "skip_validation");
  std::string column = not_null_check_column(con);
  b.constraint({table, name, "check", column.empty() ? "" : table + "." + column, "", !not_valid});
  if (not_valid) {
    b.state().not_valid_constraints[table + "." + name] = LockLevel::kAccessExclusive;
  } else if (on_existing) {
    b.scans();
    b.hazard("constraint-missing-not-valid", table,
             "adding CHECK constraint " + (name.empty() ? std::string("") : name + " ") + "validates every row of " + table + " while holding an " + ae_text(),
             "ADD CONSTRAINT ... NOT VALID, then VALIDATE CONSTRAINT in a later migration (SHARE UPDATE EXCLUSIVE: reads and writes proceed)", node_location(con))
        .only_existing_table = true;
  }
}

void unique_or_pk(const std::string& table, const Json& con, Builder& b, bool on_existing) {
  bool pk = str(con, "contype") == "CONSTR_PRIMARY";
  std::string name = str(con, "conname");
  std::string index = str(con, "indexname");
  b.constraint({table, name, pk ? "primary-key" : "unique", "", "", true});
  if (!index.empty()) {
    b.use(ObjectKind::kIndex, index, Access::kReference, node_location(con));
    if (pk && on_existing) {  // the index is unique already, but PRIMARY KEY also sets NOT NULL
      b.hazard("unique-may-fail-on-duplicates", table,
               "PRIMARY KEY USING INDEX " + index + " sets NOT NULL on its columns unless they already are: it then scans " + table +
                   " under the ACCESS EXCLUSIVE lock and fails if a row holds NULL there",
               "make the columns NOT NULL first (CHECK (col IS NOT NULL) NOT VALID, VALIDATE, SET NOT NULL) in earlier migrations", node_location(con))
          .only_existing_table = true;
    }
    return;
  }
  if (!on_existing) return;
  unique_over_rows(table, std::string(pk ? "PRIMARY KEY" : "UNIQUE") + " constraint " + name, key_columns(con),
                   "the migration rolls back", node_location(con), b);
  b.scans();
  b.hazard("constraint-without-using-index", table,
           std::string("adding ") + (pk ? "PRIMARY KEY" : "UNIQUE") + " constraint " + name + " builds its index while holding an " + ae_text(),
           std::string("CREATE UNIQUE INDEX CONCURRENTLY first, then ADD CONSTRAINT ") + (name.empty() ? "name" : name) + (pk ? " PRIMARY KEY" : " UNIQUE") + " USING INDEX that_index", node_location(con))
      .only_existing_table = true;
}

}  // namespace

void unnamed_constraint(const std::string& table, const Json& con, Builder& b) {
  std::string type = str(con, "contype");
  const char* what = type == "CONSTR_CHECK" ? "CHECK" : type == "CONSTR_UNIQUE" ? "UNIQUE" : type == "CONSTR_FOREIGN" ? "FOREIGN KEY" : nullptr;
  if (what == nullptr || !str(con, "conname").empty() || !str(con, "indexname").empty()) return;
  b.hazard("unnamed-constraint", table,
           std::string("unnamed ") + what + " constraint on " + table + ": the database picks its name, so a later migration or a down that drops or validates it must guess that name, and guesses differ between databases and versions",
           std::string("name it: CONSTRAINT ") + (table.empty() ? "t" : table.substr(table.find('.') + 1)) + "_..._" +
               (type == "CONSTR_CHECK" ? "check" : type == "CONSTR_UNIQUE" ? "key" : "fkey") + " " + what + " (...)",
           node_location(con));
}

void model_table_constraint(const std::string& table, const Json& con, Builder& b,
                            bool on_existing) {
  std::string type = str(con, "contype");
  std::string name = str(con, "conname");
  unnamed_constraint(table, con, b);
  if (!name.empty()) b.use(ObjectKind::kConstraint, table + "." + name, Access::kCreate, node_location(con));
  if (type == "CONSTR_FOREIGN") foreign_key(table, con, b, on_existing);
  if (type == "CONSTR_CHECK") check(table, con, b, on_existing);
  if (type == "CONSTR_PRIMARY" || type == "CONSTR_UNIQUE") unique_or_pk(table, con, b, on_existing);
  if (type == "CONSTR_EXCLUSION" && on_existing) {
    b.scans();
    b.hazard("constraint-without-using-index", table,
             "adding EXCLUDE constraint " + name + " builds its index while holding an " + ae_text(),
             "create the constraint while the table is new, or plan a maintenance window", node_location(con))
        .only_existing_table = true;
  }
}

}  // namespace trellis::analysis
