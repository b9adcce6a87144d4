// pg_schema_objects.cc — what belongs to a table in the PostgreSQL schema reader
// (pg_schema.h): constraints, indexes, triggers and policies.
#include "db/pg_schema.h"

namespace trellis::pg {
namespace {

using R = PgSchemaReader;

std::string owner_filter(PgSchemaReader& r, const std::string& relkinds) {
  return "c.relkind IN (" + relkinds + ") AND " + r.schema_filter("n") + " AND " +
         R::not_extension_member("pg_class", "c.oid");
}

const char* constraint_type(const std::string& contype) {
  switch (contype.empty() ? ' ' : contype[0]) {
    case 'p':
      return "primary key";
    case 'u':
      return "unique";
    case 'f':
      return "foreign key";
    case 'c':
      return "check";
    case 'x':
      return "exclusion";
    default:
      return nullptr;
  }
}

// A property for the flags an index's ALTER statements set (CLUSTER ON, REPLICA IDENTITY
// USING INDEX), which its definition does not show.
void index_flags(SchemaObject& o, const CatalogRow& row, std::size_t clustered, std::size_t replica) {
  if (row.flag(clustered)) o.set("clustered", "yes");
  if (row.flag(replica)) o.set("replica_identity", "yes");
}

}  // namespace

// pg_get_constraintdef: the kind, columns, FK actions and deferrability, NOT VALID.
// Constraint triggers are listed as triggers. `validated`: NOT VALID shows here too.
void read_constraints(PgSchemaReader& r) {
  std::string sql =
      "SELECT n.nspname, c.relname, co.conname, co.contype, pg_get_constraintdef(co.oid), co.convalidated, "
      "ix.indisclustered, ix.indisreplident, " +
      PgSchemaReader::comment_sql("co.oid", "pg_constraint") +
      " "
      "FROM pg_constraint co JOIN pg_class c ON c.oid = co.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
      "LEFT JOIN pg_index ix ON ix.indexrelid = co.conindid AND ix.indrelid = co.conrelid "
      "WHERE co.contype <> 't' AND " +
      owner_filter(r, "'r', 'p'");
  for (const auto& row : r.rows(sql)) {
    if (R::skip_table(row[0], row[1])) continue;
    std::string table = R::qualify(row[0], row[1]);
    std::string name = table + "." + row[2];
    const char* type = constraint_type(row[3]);
    if (type == nullptr) R::cannot_read(SchemaKind::kConstraint, name, "unknown constraint type '" + row[3] + "'");
    if (row.null(4)) R::cannot_read(SchemaKind::kConstraint, name, "PostgreSQL returned no definition");
    SchemaObject& o = r.add(SchemaKind::kConstraint, name, table);
    o.set("type", type).set("definition", row[4]).set("validated", row.flag(5) ? "yes" : "no");
    index_flags(o, row, 6, 7);
    R::set_comment(o, row, 8);
  }
}

// pg_get_indexdef: method, columns and expressions, opclasses, INCLUDE, predicate,
// storage options. `valid`: an interrupted CREATE INDEX CONCURRENTLY leaves it "no".
// The index of a primary key, unique or exclusion constraint is the constraint's.
void read_indexes(PgSchemaReader& r) {
  std::string sql =
      "SELECT n.nspname, ic.relname, c.relname, pg_get_indexdef(i.indexrelid), i.indisvalid, i.indisclustered, "
      "i.indisreplident, " +
      PgSchemaReader::comment_sql("ic.oid", "pg_class") +
      " "
      "FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class c ON c.oid = i.indrelid "
      "JOIN pg_namespace n ON n.oid = c.relnamespace "
      "WHERE NOT EXISTS (SELECT 1 FROM pg_constraint co WHERE co.conindid = i.indexrelid "
      " AND co.conrelid = i.indrelid AND co.contype IN ('p', 'u', 'x')) AND " +
      owner_filter(r, "'r', 'p', 'm'");
  for (const auto& row : r.rows(sql)) {
    if (R::skip_table(row[0], row[2])) continue;
    std::string name = R::qualify(row[0], row[1]);
    if (row.null(3)) R::cannot_read(SchemaKind::kIndex, name, "PostgreSQL returned no definition");
    SchemaObject& o = r.add(SchemaKind::kIndex, name, R::qualify(row[0], row[2]));
    o.set("definition", row[3]).set("valid", row.flag(4) ? "yes" : "no");
    index_flags(o, row, 5, 6);
    R::set_comment(o, row, 7);
  }
}

// pg_get_triggerdef (timing, events, columns, WHEN, FOR EACH, function and arguments;
// constraint triggers with their deferrability), not the internal triggers of foreign
// keys. `enabled` when not the default (ALTER TABLE … DISABLE / ENABLE REPLICA / ALWAYS).
void read_triggers(PgSchemaReader& r) {
  std::string sql =
      "SELECT n.nspname, c.relname, t.tgname, pg_get_triggerdef(t.oid), t.tgenabled, " + PgSchemaReader::comment_sql("t.oid", "pg_trigger") +
      " "
      "FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
      "WHERE NOT t.tgisinternal AND " +
      owner_filter(r, "'r', 'p', 'v', 'm'");
  for (const auto& row : r.rows(sql)) {
    if (R::skip_table(row[0], row[1])) continue;
    std::string table = R::qualify(row[0], row[1]);
    std::string name = table + "." + row[2];
    if (row.null(3)) R::cannot_read(SchemaKind::kTrigger, name, "PostgreSQL returned no definition");
    SchemaObject& o = r.add(SchemaKind::kTrigger, name, table);
    o.set("definition", row[3]);
    if (row[4] == "D") o.set("enabled", "no");
    if (row[4] == "R") o.set("enabled", "replica");
    if (row[4] == "A") o.set("enabled", "always");
    R::set_comment(o, row, 5);
  }
}

// Row-level security policies: command, permissive or restrictive, roles (sorted:
// their order means nothing), USING and WITH CHECK expressions.
void read_policies(PgSchemaReader& r) {
  std::string sql =
      "SELECT n.nspname, c.relname, p.polname, p.polcmd, p.polpermissive, "
      "array_to_string(ARRAY(SELECT CASE WHEN ro = 0 THEN 'public' ELSE quote_ident(pg_get_userbyid(ro)) END "
      " FROM unnest(p.polroles) ro ORDER BY 1), ', '), "
      "pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid), " +
      PgSchemaReader::comment_sql("p.oid", "pg_policy") +
      " "
      "FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
      "WHERE " +
      owner_filter(r, "'r', 'p'");
  for (const auto& row : r.rows(sql)) {
    if (R::skip_table(row[0], row[1])) continue;
    std::string table = R::qualify(row[0], row[1]);
    SchemaObject& o = r.add(SchemaKind::kPolicy, table + "." + row[2], table);
    const std::string& cmd = row[3];
    o.set("command", cmd == "r"   ? "select"
                     : cmd == "a" ? "insert"
                     : cmd == "w" ? "update"
                     : cmd == "d" ? "delete"
                                  : "all");
    o.set("permissive", row.flag(4) ? "yes" : "no").set("roles", row[5]);
    if (!row.null(6)) o.set("using", row[6]);
    if (!row.null(7)) o.set("with_check", row[7]);
    R::set_comment(o, row, 8);
  }
}

}  // namespace trellis::pg
