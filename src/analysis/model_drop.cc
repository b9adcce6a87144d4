// model_drop.cc — DROP and RENAME of any object.
#include "analysis/model.h"

namespace trellis::analysis {
namespace {

ObjectKind kind_of(const std::string& object_type) {
  if (object_type == "OBJECT_TABLE" || object_type == "OBJECT_FOREIGN_TABLE") return ObjectKind::kTable;
  if (object_type == "OBJECT_INDEX") return ObjectKind::kIndex;
  if (object_type == "OBJECT_VIEW" || object_type == "OBJECT_MATVIEW") return ObjectKind::kView;
  if (object_type == "OBJECT_SEQUENCE") return ObjectKind::kSequence;
  if (object_type == "OBJECT_TYPE" || object_type == "OBJECT_DOMAIN") return ObjectKind::kType;
  if (object_type == "OBJECT_FUNCTION" || object_type == "OBJECT_PROCEDURE") return ObjectKind::kFunction;
  if (object_type == "OBJECT_SCHEMA") return ObjectKind::kSchema;
  if (object_type == "OBJECT_EXTENSION") return ObjectKind::kExtension;
  if (object_type == "OBJECT_TRIGGER") return ObjectKind::kTrigger;
  if (object_type == "OBJECT_COLUMN") return ObjectKind::kColumn;
  if (object_type == "OBJECT_TABCONSTRAINT") return ObjectKind::kConstraint;
  return ObjectKind::kOther;
}

std::string object_name(const Json& object) {
  if (field(object, "List").is_object()) return dotted_name(field(field(object, "List"), "items"));
  if (field(object, "TypeName").is_object()) return dotted_name(field(field(object, "TypeName"), "names"));
  if (field(object, "ObjectWithArgs").is_object()) return dotted_name(field(field(object, "ObjectWithArgs"), "objname"));
  if (field(object, "String").is_object()) return str(field(object, "String"), "sval");
  return {};
}

const std::string kAe = "ACCESS EXCLUSIVE lock, which blocks all reads and writes";

void drop_index(const std::string& index, bool concurrent, Builder& b) {
  auto it = b.state().index_tables.find(index);
  std::string table = it == b.state().index_tables.end() ? std::string() : it->second;
  b.lock(table.empty() ? index : table,
         concurrent ? LockLevel::kShareUpdateExclusive : LockLevel::kAccessExclusive);
  if (concurrent) {
    b.concurrently();
    b.hazard("concurrently-in-transaction", table,
             "DROP INDEX CONCURRENTLY cannot run inside a transaction block; this migration runs in one and will fail",
             "add `-- transaction: false` to this migration")
        .only_in_transaction = true;
    return;
  }
  Hazard& h = b.hazard("require-concurrent-index-drop", table,
                       "DROP INDEX " + index + " takes an " + kAe + " on its table until it finishes",
                       "use DROP INDEX CONCURRENTLY in a migration with `-- transaction: false`");
  h.only_existing_table = true;
  if (table.empty()) h.table = "";  // unknown table: assume it exists
}

}  // namespace

void model_drop(const Json& stmt, Builder& b) {
  std::string type = str(stmt, "removeType");
  ObjectKind kind = kind_of(type);
  bool cascade = str(stmt, "behavior") == "DROP_CASCADE";
  const Json& objects = field(stmt, "objects");
  if (!objects.is_array()) return;
  for (const auto& object : objects) {
    std::string name = object_name(object);
    b.use(kind, name, Access::kDrop);
    if (kind == ObjectKind::kIndex) drop_index(name, flag(stmt, "concurrent"), b);
    if (kind == ObjectKind::kTable) {
      b.lock(name, LockLevel::kAccessExclusive);
      if (!b.is_new_table(name)) {
        b.hazard("drop-table", name, "dropping table " + name + " breaks code that still uses it, and loses its data",
                 "stop using the table in code first, then drop it in a contract migration")
            .only_outside_contract = true;
      }
    }
    if (kind == ObjectKind::kSchema) {
      b.hazard("drop-schema", "", "dropping schema " + name + " breaks code that still uses any object in it",
               "drop it in a contract migration, after nothing uses it")
          .only_outside_contract = true;
    }
  }
  if (cascade) {
    b.hazard("ban-cascade", "", "DROP ... CASCADE also drops every dependent object (views, foreign keys, ...), which the migration does not name",
             "drop the dependent objects explicitly, then drop without CASCADE");
  }
}

void model_rename(const Json& stmt, Builder& b) {
  std::string type = str(stmt, "renameType");
  std::string new_name = str(stmt, "newname");
  const Json& rel = field(stmt, "relation");
  std::string table = range_var_name(rel);
  int loc = node_location(rel);
  if (type == "OBJECT_COLUMN") {
    std::string column = table + "." + str(stmt, "subname");
    b.use(ObjectKind::kColumn, column, Access::kRename, loc, table + "." + new_name);
    b.lock(table, LockLevel::kAccessExclusive);
    if (b.is_new_column(table, str(stmt, "subname"))) {  // no code uses it yet
      b.state().created_columns.insert(table + "." + new_name);
      return;
    }
    b.hazard("rename-column", table, "renaming column " + column + " to " + new_name + " breaks code that still uses the old name (takes a brief " + kAe + ")",
             "add the new column, dual-write and backfill, move readers, then drop the old one in a contract migration (or rename in a contract migration once no code uses the old name)", loc)
        .only_outside_contract = true;
    return;
  }
  if (type == "OBJECT_TABLE") {
    b.use(ObjectKind::kTable, table, Access::kRename, loc, new_name);
    b.lock(table, LockLevel::kAccessExclusive);
    if (b.is_new_table(table)) {  // no code uses it yet
      b.state().created_tables.insert(new_name);
      return;
    }
    b.hazard("rename-table", table, "renaming table " + table + " to " + new_name + " breaks code that still uses the old name (takes a brief " + kAe + ")",
             "create a view with the old name during the transition, or rename in a contract migration once no code uses the old name", loc)
        .only_outside_contract = true;
    return;
  }
  if (type == "OBJECT_SCHEMA") {
    std::string schema = str(stmt, "subname");
    b.use(ObjectKind::kSchema, schema, Access::kRename, -1, new_name);
    b.hazard("rename-schema", "", "renaming schema " + schema + " breaks code that still uses the old name",
             "rename in a contract migration once no code uses the old name")
        .only_outside_contract = true;
    return;
  }
  ObjectKind kind = kind_of(type);
  std::string name = table.empty() ? object_name(field(stmt, "object")) : table;
  if (type == "OBJECT_TABCONSTRAINT") name = table + "." + str(stmt, "subname");
  b.use(kind, name, Access::kRename, loc, new_name);
  if (kind == ObjectKind::kIndex) b.lock(name, LockLevel::kShareUpdateExclusive);
}

// RENAME TABLE a TO b followed, in the same migration, by CREATE VIEW a: the view keeps
// the old name working for code that still uses it (the fix rename-table suggests).
void forgive_renames_behind_views(std::vector<StatementInfo>& statements) {
  for (size_t i = 0; i < statements.size(); ++i) {
    auto& hazards = statements[i].hazards;
    for (size_t k = 0; k < hazards.size();) {
      bool covered = false;
      if (hazards[k].rule == "rename-table") {
        for (size_t j = i + 1; j < statements.size() && !covered; ++j) {
          for (const auto& u : statements[j].objects) {
            covered = covered || (u.kind == ObjectKind::kView && u.access == Access::kCreate && u.name == hazards[k].table);
          }
        }
      }
      if (covered) hazards.erase(hazards.begin() + static_cast<long>(k));
      else ++k;
    }
  }
}

}  // namespace trellis::analysis
