// pg_schema_types.cc — schemas, extensions, types (enum, composite, range) and domains of
// the PostgreSQL schema reader (pg_schema.h).
#include "db/pg_schema.h"

namespace trellis::pg {
namespace {

void read_schemas(PgSchemaReader& r) {
  for (const auto& row : r.rows("SELECT n.nspname, " + PgSchemaReader::comment_sql("n.oid", "pg_namespace") + " FROM pg_namespace n WHERE " +
                                r.schema_filter("n"))) {
    PgSchemaReader::set_comment(r.add(SchemaKind::kSchema, row[0]), row, 1);
  }
}

// An extension's version is a property: the same CREATE EXTENSION on servers with other
// packages installed makes different objects. Its member objects are not listed.
void read_extensions(PgSchemaReader& r) {
  for (const auto& row : r.rows("SELECT n.nspname, e.extname, e.extversion, " + PgSchemaReader::comment_sql("e.oid", "pg_extension") + " "
                                                                                                                                       "FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace")) {
    SchemaObject& o = r.add(SchemaKind::kExtension, row[1]);
    o.set("schema", row[0]).set("version", row[2]);
    PgSchemaReader::set_comment(o, row, 3);
  }
}

// "name" or "schema.name" of a collation, as format_type() writes types.
const char* kCollationName =
    "(SELECT CASE WHEN cn.nspname = 'pg_catalog' THEN quote_ident(co.collname) "
    "ELSE quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END "
    "FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace WHERE co.oid = ";

}  // namespace

void read_schemas_and_extensions(PgSchemaReader& r) {
  read_schemas(r);
  read_extensions(r);
}

// Enum labels in their sort order (the order is the type's meaning); a composite type's
// attributes in their order; a range's subtype and functions. Base and pseudo types
// (CREATE TYPE with C functions) are not modelled.
void read_types_and_domains(PgSchemaReader& r) {
  std::string types =
      "SELECT n.nspname, t.typname, t.typtype, "
      "(SELECT string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder) FROM pg_enum e "
      " WHERE e.enumtypid = t.oid), "
      "(SELECT string_agg(quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod) || "
      "   CASE WHEN a.attcollation <> 0 AND a.attcollation <> at.typcollation THEN ' COLLATE ' || " +
      std::string(kCollationName) +
      "a.attcollation) ELSE '' END, ', ' ORDER BY a.attnum) "
      " FROM pg_attribute a JOIN pg_type at ON at.oid = a.atttypid "
      " WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped), "
      "format_type(rg.rngsubtype, NULL), "
      "CASE WHEN rg.rngtypid IS NOT NULL THEN concat_ws(', ', 'opclass ' || (SELECT opcname FROM pg_opclass "
      " WHERE oid = rg.rngsubopc), 'collation ' || " +
      std::string(kCollationName) +
      "NULLIF(rg.rngcollation, 0)), 'canonical ' || NULLIF(rg.rngcanonical, 0)::regproc::text, "
      " 'subtype_diff ' || NULLIF(rg.rngsubdiff, 0)::regproc::text, "
      " 'multirange ' || format_type(NULLIF(rg.rngmultitypid, 0), NULL)) END, " +
      PgSchemaReader::comment_sql("t.oid", "pg_type") +
      " "
      "FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace LEFT JOIN pg_range rg ON rg.rngtypid = t.oid "
      "WHERE (t.typtype IN ('e', 'r') OR (t.typtype = 'c' AND (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = "
      "'c')) AND " +
      r.schema_filter("n") + " AND " + PgSchemaReader::not_extension_member("pg_type", "t.oid");
  for (const auto& row : r.rows(types)) {
    SchemaObject& o = r.add(SchemaKind::kType, PgSchemaReader::qualify(row[0], row[1]));
    const std::string& type = row[2];
    if (type == "e") o.set("enum", row[3]);
    if (type == "c") o.set("composite", row[4]);
    if (type == "r") o.set("range", row[5]).set("range_options", row[6]);
    PgSchemaReader::set_comment(o, row, 7);
  }

  std::string domains =
      "SELECT n.nspname, t.typname, format_type(t.typbasetype, t.typtypmod), t.typnotnull, "
      "pg_get_expr(t.typdefaultbin, 0), "
      "CASE WHEN t.typcollation <> bt.typcollation THEN " +
      std::string(kCollationName) +
      "t.typcollation) END, "
      "(SELECT string_agg(quote_ident(c.conname) || ' ' || pg_get_constraintdef(c.oid), E'\\n' ORDER BY c.conname) "
      " FROM pg_constraint c WHERE c.contypid = t.oid), " +
      PgSchemaReader::comment_sql("t.oid", "pg_type") +
      " "
      "FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_type bt ON bt.oid = t.typbasetype "
      "WHERE t.typtype = 'd' AND " +
      r.schema_filter("n") + " AND " + PgSchemaReader::not_extension_member("pg_type", "t.oid");
  for (const auto& row : r.rows(domains)) {
    SchemaObject& o = r.add(SchemaKind::kDomain, PgSchemaReader::qualify(row[0], row[1]));
    o.set("type", row[2]).set("nullable", row.flag(3) ? "no" : "yes");
    if (!row.null(4)) o.set("default", row[4]);
    if (!row.null(5)) o.set("collation", row[5]);
    if (!row.null(6)) o.set("constraints", row[6]);
    PgSchemaReader::set_comment(o, row, 7);
  }
}

}  // namespace trellis::pg
