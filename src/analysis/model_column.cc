// model_column.cc — column definitions: type hygiene everywhere, rewrite and lock hazards
// when a column is added to a table that already exists.
#include <set>

#include "analysis/model.h"

namespace trellis::analysis {

std::string type_text(const Json& type_name_node);

namespace {

const std::set<std::string> kBuiltinTypes = {
    "int2", "int4", "int8", "float4", "float8", "numeric", "bool", "text", "varchar",
    "bpchar", "char", "timestamp", "timestamptz", "date", "time", "timetz", "interval",
    "json", "jsonb", "uuid", "bytea", "serial", "serial4", "serial2", "serial8",
    "bigserial", "smallserial", "inet", "cidr", "macaddr", "money", "xml", "tsvector",
    "oid", "bit", "varbit", "integer", "bigint", "smallint", "real", "point", "citext"};

// Functions that are not VOLATILE: a default using only these does not rewrite (PG 11+).
const std::set<std::string> kNonVolatile = {
    "now", "statement_timestamp", "transaction_timestamp", "current_timestamp", "lower",
    "upper", "coalesce", "length", "abs", "concat", "to_timestamp", "make_interval",
    "jsonb_build_object", "json_build_object", "array", "int8", "int4", "text"};

bool is_serial(const std::string& t) {
  return t == "serial" || t == "serial4" || t == "serial2" || t == "smallserial" ||
         t == "serial8" || t == "bigserial";
}

// Name of the first function in `expr` that may be VOLATILE, or "".
std::string volatile_call(const Json& expr) {
  if (expr.is_object()) {
    for (auto it = expr.begin(); it != expr.end(); ++it) {
      if (it.key() == "FuncCall") {
        std::string fn = last_name(field(it.value(), "funcname"));
        if (!kNonVolatile.count(fn)) return fn;
      }
      std::string inner = volatile_call(it.value());
      if (!inner.empty()) return inner;
    }
  } else if (expr.is_array()) {
    for (const auto& e : expr) {
      std::string inner = volatile_call(e);
      if (!inner.empty()) return inner;
    }
  }
  return {};
}

// DEFAULT NULL: nothing to write, on any version.
bool is_null_constant(const Json& expr) {
  const Json& c = field(expr, "A_Const");
  return c.is_object() && flag(c, "isnull");
}

bool looks_like_id(const std::string& column) {
  return column == "id" || (column.size() > 3 && column.substr(column.size() - 3) == "_id");
}

struct ColumnFacts {
  bool not_null = false, has_default = false, generated_stored = false, identity = false;
  bool primary_key = false, unique = false, check = false, references = false;
  const Json* default_expr = nullptr;
  const Json* fk = nullptr;
  int fk_location = -1;
  std::string pk_name;  // CONSTRAINT name PRIMARY KEY ("" when unnamed)
};

ColumnFacts column_facts(const Json& column_def) {
  ColumnFacts f;
  const Json& constraints = field(column_def, "constraints");
  if (!constraints.is_array()) return f;
  for (const auto& c : constraints) {
    const Json& con = field(c, "Constraint");
    std::string type = str(con, "contype");
    if (type == "CONSTR_NOTNULL") f.not_null = true;
    if (type == "CONSTR_DEFAULT") { f.has_default = true; f.default_expr = &field(con, "raw_expr"); }
    if (type == "CONSTR_GENERATED") f.generated_stored = true;
    if (type == "CONSTR_IDENTITY") f.identity = true;
    if (type == "CONSTR_PRIMARY") { f.primary_key = true; f.not_null = true; f.pk_name = str(con, "conname"); }
    if (type == "CONSTR_UNIQUE") f.unique = true;
    if (type == "CONSTR_CHECK") f.check = true;
    if (type == "CONSTR_FOREIGN") { f.references = true; f.fk = &con; f.fk_location = node_location(con); }
  }
  return f;
}

void use_type(const Json& type, Builder& b) {
  std::string t = type_name(type);
  const Json& names = field(type, "names");
  bool catalog = names.is_array() && names.size() > 1 && str(field(names[0], "String"), "sval") == "pg_catalog";
  if (!catalog && !kBuiltinTypes.count(t)) b.use(ObjectKind::kType, dotted_name(names), Access::kReference, node_location(type));
}

void adding_hazards(const std::string& table, const std::string& column, const Json& type,
                    const ColumnFacts& f, Builder& b, int loc) {
  std::string col = table + "." + column;
  std::string t = type_name(type);
  std::string ae = std::string("ACCESS EXCLUSIVE lock, which ") + lock_effect(LockLevel::kAccessExclusive);
  if (f.not_null && !f.has_default && !f.generated_stored && !f.identity && !is_serial(t)) {
    b.hazard("add-column-not-null-without-default", table,
             "adding NOT NULL column " + col + " without a DEFAULT fails on a table that has rows, after taking an " + ae,
             "add the column nullable (or with a constant DEFAULT), backfill it, then add a CHECK (" + column + " IS NOT NULL) NOT VALID, VALIDATE it and SET NOT NULL", loc)
        .only_existing_table = true;
  }
  std::string fn = f.has_default ? volatile_call(*f.default_expr) : std::string();
  if (!fn.empty()) {
    b.rewrites();
    b.hazard("add-column-volatile-default", table,
             "adding column " + col + " with the volatile default " + fn + "() rewrites the whole table under an " + ae + " until it finishes",
             "add the column without a default (or with a constant one), set the default in a separate statement, and backfill existing rows in batches", loc)
        .only_existing_table = true;
  }
  if (f.has_default && fn.empty() && !f.generated_stored && !f.identity && !is_serial(t) &&
      !is_null_constant(*f.default_expr)) {
    Hazard& h = b.hazard("add-column-default-before-11", table,
                         "adding column " + col + " with a DEFAULT rewrites the whole table under an " + ae +
                             " on PostgreSQL before 11 (from 11 on a non-volatile default is stored, not written to every row)",
                         "add the column without a default, set the default in a separate statement (ALTER COLUMN ... SET DEFAULT), and backfill existing rows in batches",
                         loc);
    h.only_existing_table = true;
    h.only_before_version = 11;
  }
  if (f.generated_stored) {
    b.rewrites();
    b.hazard("add-column-generated-stored", table,
             "adding stored generated column " + col + " rewrites the whole table under an " + ae,
             "add a plain nullable column, keep it filled with a trigger, and backfill in batches", loc)
        .only_existing_table = true;
  }
  if (f.identity || is_serial(t)) {
    b.rewrites();
    b.hazard("add-column-serial-identity", table,
             "adding " + std::string(f.identity ? "identity" : t) + " column " + col + " fills every existing row, rewriting the table under an " + ae,
             "add a nullable bigint column, attach a sequence default, and backfill existing rows in batches", loc)
        .only_existing_table = true;
  }
  if (f.primary_key || f.unique) {
    b.scans();
    b.hazard("constraint-without-using-index", table,
             std::string("adding column ") + col + " with " + (f.primary_key ? "PRIMARY KEY" : "UNIQUE") + " builds an index while holding an " + ae,
             "add the column, CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT ... USING INDEX", loc)
        .only_existing_table = true;
  }
  if (f.check || f.references) {
    b.scans();
    b.hazard("constraint-missing-not-valid", table,
             "adding column " + col + " with an inline " + (f.check ? "CHECK" : "FOREIGN KEY") + " constraint validates every row while holding the lock (" + lock_name(LockLevel::kAccessExclusive) + ", which " + lock_effect(LockLevel::kAccessExclusive) + ")",
             "add the column, then ADD CONSTRAINT ... NOT VALID and VALIDATE CONSTRAINT in a later migration", loc)
        .only_existing_table = true;
  }
}

}  // namespace

// Also for ALTER COLUMN TYPE (model_alter_table.cc).
void type_hygiene(const std::string& table, const std::string& column, const Json& type,
                  bool primary_key, Builder& b) {
  std::string t = type_name(type);
  int loc = node_location(type);
  std::string col = table + "." + column;
  if (t == "timestamp") {
    b.hazard("prefer-timestamptz", table, "column " + col + " is 'timestamp' (without time zone): values are ambiguous across time zones",
             "use timestamptz", loc);
  } else if (t == "json") {
    b.hazard("prefer-jsonb", table, "column " + col + " is 'json': it cannot be indexed or compared and is re-parsed on every access",
             "use jsonb", loc);
  } else if (t == "bpchar") {
    b.hazard("ban-char-field", table, "column " + col + " is 'char(n)': values are blank-padded and no faster than text",
             "use text (with a CHECK on length if needed)", loc);
  } else if (t == "varchar" && !type_mods(type).empty()) {
    b.hazard("prefer-text-field", table, "column " + col + " is 'varchar(n)': shrinking the limit later rewrites the table under an ACCESS EXCLUSIVE lock, which blocks all reads and writes",
             "use text with a CHECK (length(" + column + ") <= n) constraint added NOT VALID", loc);
  }
  bool small_int = t == "int4" || t == "int2" || t == "serial" || t == "serial4" ||
                   t == "serial2" || t == "smallserial";
  if (small_int && (primary_key || looks_like_id(column))) {
    b.hazard("prefer-bigint-id", table, "id column " + col + " is '" + t + "': 32-bit ids run out, and widening later rewrites the table under an ACCESS EXCLUSIVE lock",
             "use bigint (bigint GENERATED ALWAYS AS IDENTITY for keys)", loc);
  }
  if (is_serial(t)) {
    b.hazard("prefer-identity", table, "column " + col + " is '" + t + "': serial sequences have awkward ownership, permissions and dump behaviour",
             "use bigint GENERATED ALWAYS AS IDENTITY", loc);
  }
}

void model_column_def(const std::string& table, const Json& column_def, Builder& b,
                      bool adding_to_existing) {
  std::string column = str(column_def, "colname");
  const Json& type = field(column_def, "typeName");
  int loc = node_location(column_def);
  ColumnFacts f = column_facts(column_def);
  b.use(ObjectKind::kColumn, table + "." + column, Access::kCreate, loc);
  b.state().created_columns.insert(table + "." + column);
  const Json& constraints = field(column_def, "constraints");
  if (constraints.is_array()) {
    for (const auto& c : constraints) unnamed_constraint(table, field(c, "Constraint"), b);
  }
  b.info().column_types.emplace_back(table + "." + column, type_text(type));
  use_type(type, b);
  if (f.fk) {
    std::string target = range_var_name(field(*f.fk, "pktable"));
    b.use(ObjectKind::kTable, target, Access::kReference, f.fk_location);
    b.lock(target, LockLevel::kShareRowExclusive);
    b.constraint({table, str(*f.fk, "conname"), "foreign-key", "", target, true});
  }
  if (f.primary_key) b.constraint({table, f.pk_name, "primary-key", "", "", true});
  type_hygiene(table, column, type, f.primary_key, b);
  if (adding_to_existing) adding_hazards(table, column, type, f, b, loc);
}

}  // namespace trellis::analysis
