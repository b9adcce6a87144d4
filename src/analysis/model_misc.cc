// model_misc.cc — every other statement: types, enums, truncate, maintenance commands,
// transaction control, views, functions, schemas, extensions, triggers.
#include <cctype>

#include "analysis/model.h"

namespace trellis::analysis {
namespace {

const std::string kAe = "ACCESS EXCLUSIVE lock, which blocks all reads and writes";

void alter_enum(const Json& stmt, Builder& b) {
  std::string type = dotted_name(field(stmt, "typeName"));
  b.use(ObjectKind::kType, type, Access::kAlter);
  if (!str(stmt, "oldVal").empty()) {  // RENAME VALUE
    b.hazard("rename-enum-value", "",
             "renaming value '" + str(stmt, "oldVal") + "' of " + type + " to '" + str(stmt, "newVal") +
                 "' breaks code and stored queries that still write or compare the old value",
             "add the new value, move the code and the rows over, and retire the old value in a contract migration")
        .only_outside_contract = true;
    return;
  }
  std::string value = str(stmt, "newVal");
  if (str(stmt, "newValNeighbor").empty()) {
    b.hazard("enum-value-without-position", "",
             "ALTER TYPE " + type + " ADD VALUE '" + value + "' appends the value at the end, so ORDER BY and comparisons on " + type + " may not sort it where intended",
             "say where it goes: ADD VALUE '" + value + "' BEFORE|AFTER 'existing'");
  }
  b.hazard("enum-add-value-in-transaction", "",
           "ALTER TYPE " + type + " ADD VALUE inside a transaction fails on PostgreSQL before 12, and on 12+ the new value cannot be used until the transaction commits",
           "put ADD VALUE in its own migration with `-- transaction: false`")
      .only_in_transaction = true;
}

void truncate(const Json& stmt, Builder& b) {
  const Json& rels = field(stmt, "relations");
  if (rels.is_array()) {
    for (const auto& r : rels) {
      std::string table = range_var_name(field(r, "RangeVar"));
      b.use(ObjectKind::kTable, table, Access::kAlter, node_location(field(r, "RangeVar")));
      b.lock(table, LockLevel::kAccessExclusive);
      b.hazard("ban-truncate", table, "TRUNCATE " + table + " deletes every row and takes an " + kAe,
               "delete rows in batches in a backfill migration, or drop the table in a contract migration")
          .only_existing_table = true;
    }
  }
  if (str(stmt, "behavior") == "DROP_CASCADE") {
    b.hazard("ban-cascade", "", "TRUNCATE ... CASCADE also empties every table that references these tables through foreign keys",
             "truncate the referencing tables explicitly, without CASCADE");
  }
}

// A boolean option's argument as PostgreSQL's defGetBoolean reads it: absent is true;
// false, off and 0 are false.
bool option_is_on(const Json& arg) {
  if (!arg.is_object()) return true;
  const Json& text = field(arg, "String");
  if (text.is_object()) {
    std::string v = str(text, "sval");
    for (auto& ch : v) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return !(v == "false" || v == "off" || v == "0");
  }
  const Json& number = field(arg, "Integer");
  if (number.is_object()) {  // 0 is left out of the tree
    const Json& ival = field(number, "ival");
    return ival.is_number_integer() && ival.get<long>() != 0;
  }
  const Json& boolean = field(arg, "Boolean");
  if (boolean.is_object()) return flag(boolean, "boolval");
  return true;
}

void vacuum(const Json& stmt, Builder& b) {
  bool full = false;
  const Json& options = field(stmt, "options");
  if (options.is_array()) {
    for (const auto& o : options) {
      const Json& def = field(o, "DefElem");
      if (str(def, "defname") == "full") full = option_is_on(field(def, "arg"));
    }
  }
  const Json& rels = field(stmt, "rels");
  if (!rels.is_array()) return;
  for (const auto& r : rels) {
    std::string table = range_var_name(field(field(r, "VacuumRelation"), "relation"));
    b.use(ObjectKind::kTable, table, Access::kAlter);
    b.lock(table, full ? LockLevel::kAccessExclusive : LockLevel::kShareUpdateExclusive);
    if (full) {
      b.rewrites();
      b.hazard("ban-vacuum-full", table, "VACUUM FULL " + table + " rewrites the table under an " + kAe,
               "use pg_repack or pg_squeeze online, or plain VACUUM")
          .only_existing_table = true;
    }
  }
}

void cluster(const Json& stmt, Builder& b) {
  std::string table = range_var_name(field(stmt, "relation"));
  b.use(ObjectKind::kTable, table, Access::kAlter);
  b.lock(table, LockLevel::kAccessExclusive);
  b.rewrites();
  b.hazard("ban-cluster", table, "CLUSTER " + table + " rewrites the table under an " + kAe,
           "use pg_repack to reorder rows online")
      .only_existing_table = true;
}

// What apply does with these (src/engine/units.h): COMMIT ends a chunk that commits on its
// own with its progress; ROLLBACK and two-phase commit are refused before anything runs.
void transaction(const Json& stmt, Builder& b) {
  std::string kind = str(stmt, "kind");
  if (kind == "TRANS_STMT_COMMIT") {
    b.hazard("chunked-migration", "", "COMMIT splits the migration into chunks that commit on their own: if a later chunk fails, the earlier ones stay applied (Trellis records each chunk and the next apply resumes after the last committed one)",
             "keep it if the migration must commit in steps; otherwise remove the COMMIT so the migration is all or nothing");
  } else if (kind == "TRANS_STMT_ROLLBACK" || kind == "TRANS_STMT_PREPARE" ||
             kind == "TRANS_STMT_COMMIT_PREPARED" || kind == "TRANS_STMT_ROLLBACK_PREPARED") {
    b.hazard("transaction-nesting", "", "the migration ends its own transaction with ROLLBACK or a two-phase commit statement, which would undo or detach Trellis' bookkeeping; apply refuses it",
             "remove it: a failing statement already rolls its transaction back");
  }
}

void create_extension(const Json& stmt, Builder& b) {
  std::string name = str(stmt, "extname");
  b.use(ObjectKind::kExtension, name, Access::kCreate);
  b.hazard("create-extension", "",
           "CREATE EXTENSION " + name + " needs privileges the migration role often lacks (superuser or a trusted extension on managed databases), and the extension belongs to the whole database, not to this feature",
           "have the database's owner create it once, out of band or in a migration of its own with IF NOT EXISTS, and lint-allow it there");
}

void refresh_matview(const Json& stmt, Builder& b) {
  std::string view = range_var_name(field(stmt, "relation"));
  b.use(ObjectKind::kView, view, Access::kAlter, node_location(field(stmt, "relation")));
  if (flag(stmt, "concurrent")) {
    b.lock(view, LockLevel::kExclusive);
    return;
  }
  b.lock(view, LockLevel::kAccessExclusive);
  b.hazard("refresh-matview-without-concurrently", view,
           "REFRESH MATERIALIZED VIEW " + view + " holds an " + kAe + " on the view until the query finishes",
           "use REFRESH MATERIALIZED VIEW CONCURRENTLY (it needs a unique index on the view; reads proceed)")
      .only_existing_table = true;
}

void domain_constraint(const std::string& domain, Builder& b) {
  b.hazard("ban-domain-constraint", "", "a CHECK constraint on domain " + domain + " is validated against every column using the domain, under locks on all of their tables, and cannot be added NOT VALID safely later",
           "put the CHECK constraint on the table columns instead");
}

void reads_in(const Json& stmt, Builder& b) {
  std::vector<const Json*> vars;
  collect_range_vars(stmt, vars);
  for (const Json* v : vars) b.use(ObjectKind::kTable, range_var_name(*v), Access::kRead, node_location(*v));
}

// LOCK TABLE t [IN mode MODE]: the mode numbers are PostgreSQL's lock levels, which
// LockLevel follows (1 ACCESS SHARE … 8 ACCESS EXCLUSIVE, the default).
void lock_table(const Json& stmt, Builder& b) {
  const Json& mode = field(stmt, "mode");
  int level = mode.is_number_integer() ? mode.get<int>() : static_cast<int>(LockLevel::kAccessExclusive);
  if (level < 1 || level > static_cast<int>(LockLevel::kAccessExclusive)) return;
  const Json& rels = field(stmt, "relations");
  if (!rels.is_array()) return;
  for (const auto& r : rels) {
    std::string table = range_var_name(field(r, "RangeVar"));
    b.use(ObjectKind::kTable, table, Access::kRead, node_location(field(r, "RangeVar")));
    b.lock(table, static_cast<LockLevel>(level));
  }
}

}  // namespace

void model_misc(const std::string& kind, const Json& stmt, Builder& b) {
  if (kind == "LockStmt") return lock_table(stmt, b);
  if (kind == "AlterEnumStmt") return alter_enum(stmt, b);
  if (kind == "TruncateStmt") return truncate(stmt, b);
  if (kind == "VacuumStmt") return vacuum(stmt, b);
  if (kind == "ClusterStmt") return cluster(stmt, b);
  if (kind == "TransactionStmt") return transaction(stmt, b);
  if (kind == "CreateEnumStmt") {
    return b.use(ObjectKind::kType, dotted_name(field(stmt, "typeName")), Access::kCreate);
  }
  if (kind == "CompositeTypeStmt") {
    return b.use(ObjectKind::kType, range_var_name(field(stmt, "typevar")), Access::kCreate);
  }
  if (kind == "CreateDomainStmt") {
    std::string domain = dotted_name(field(stmt, "domainname"));
    b.use(ObjectKind::kType, domain, Access::kCreate);
    const Json& cons = field(stmt, "constraints");
    if (cons.is_array()) {
      for (const auto& c : cons) {
        if (str(field(c, "Constraint"), "contype") == "CONSTR_CHECK") domain_constraint(domain, b);
      }
    }
    return;
  }
  if (kind == "AlterDomainStmt") {
    std::string domain = dotted_name(field(stmt, "typeName"));
    b.use(ObjectKind::kType, domain, Access::kAlter);
    if (str(stmt, "subtype") == "C") domain_constraint(domain, b);
    return;
  }
  if (kind == "ViewStmt") {
    b.use(ObjectKind::kView, range_var_name(field(stmt, "view")), Access::kCreate);
    return reads_in(field(stmt, "query"), b);
  }
  if (kind == "CreateTableAsStmt") {
    std::string name = range_var_name(field(field(stmt, "into"), "rel"));
    b.use(str(stmt, "objtype") == "OBJECT_MATVIEW" ? ObjectKind::kView : ObjectKind::kTable, name, Access::kCreate);
    b.state().created_tables.insert(name);
    return reads_in(field(stmt, "query"), b);
  }
  if (kind == "CreateSeqStmt") return b.use(ObjectKind::kSequence, range_var_name(field(stmt, "sequence")), Access::kCreate);
  if (kind == "CreateFunctionStmt") return b.use(ObjectKind::kFunction, dotted_name(field(stmt, "funcname")), Access::kCreate);
  if (kind == "CreateSchemaStmt") return b.use(ObjectKind::kSchema, str(stmt, "schemaname"), Access::kCreate);
  if (kind == "CreateExtensionStmt") return create_extension(stmt, b);
  if (kind == "RefreshMatViewStmt") return refresh_matview(stmt, b);
  if (kind == "CreateTrigStmt") {
    std::string table = range_var_name(field(stmt, "relation"));
    b.use(ObjectKind::kTrigger, table + "." + str(stmt, "trigname"), Access::kCreate);
    b.use(ObjectKind::kTable, table, Access::kReference);
    b.use(ObjectKind::kFunction, dotted_name(field(stmt, "funcname")), Access::kReference);
    return b.lock(table, LockLevel::kShareRowExclusive);
  }
  if (kind == "DropdbStmt") {
    b.hazard("ban-drop-database", "", "DROP DATABASE " + str(stmt, "dbname") + " destroys every table and all data", "never drop a database from a migration");
    return;
  }
  reads_in(stmt, b);
}

}  // namespace trellis::analysis
