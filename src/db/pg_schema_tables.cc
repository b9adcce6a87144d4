// pg_schema_tables.cc — sequences, tables, columns, views and materialized views of the
// PostgreSQL schema reader (pg_schema.h).
#include "db/pg_schema.h"

namespace trellis::pg {
namespace {

using R = PgSchemaReader;

// The relations of namespace alias n / class alias c that the model covers.
std::string relation_filter(PgSchemaReader& r, const std::string& relkinds) {
  return "c.relkind IN (" + relkinds + ") AND " + r.schema_filter("n") + " AND " +
         R::not_extension_member("pg_class", "c.oid");
}

// "start 1, increment 1, min 1, max 2147483647, cache 1, no cycle" of pg_sequence alias s.
const char* kSequenceParameters =
    "format('%s, start %s, increment %s, min %s, max %s, cache %s, %s', format_type(s.seqtypid, NULL), s.seqstart, "
    "s.seqincrement, s.seqmin, s.seqmax, s.seqcache, CASE WHEN s.seqcycle THEN 'cycle' ELSE 'no cycle' END)";

std::string yes_no(bool b) { return b ? "yes" : "no"; }

}  // namespace

// Sequences but those of identity columns (deptype 'i': part of the column's identity).
// owned_by: the column a serial or OWNED BY ties it to.
void read_sequences(PgSchemaReader& r) {
  std::string sql =
      "SELECT n.nspname, c.relname, " + std::string(kSequenceParameters) +
      ", c.relpersistence, "
      "(SELECT tn.nspname || '|' || tc.relname || '|' || a.attname FROM pg_depend d "
      " JOIN pg_class tc ON tc.oid = d.refobjid JOIN pg_namespace tn ON tn.oid = tc.relnamespace "
      " JOIN pg_attribute a ON a.attrelid = tc.oid AND a.attnum = d.refobjsubid "
      " WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass "
      " AND d.deptype = 'a'), " +
      PgSchemaReader::comment_sql("c.oid", "pg_class") +
      " "
      "FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
      "WHERE " +
      relation_filter(r, "'S'") +
      " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid "
      " AND d.deptype = 'i')";
  for (const auto& row : r.rows(sql)) {
    std::string owner_schema, owner_table, owner_column;
    if (!row.null(4)) {
      const std::string& owner = row[4];
      std::size_t a = owner.find('|'), b = owner.find('|', a + 1);
      owner_schema = owner.substr(0, a);
      owner_table = owner.substr(a + 1, b - a - 1);
      owner_column = owner.substr(b + 1);
      if (R::skip_table(owner_schema, owner_table)) continue;
    }
    SchemaObject& o = r.add(SchemaKind::kSequence, R::qualify(row[0], row[1]));
    o.set("parameters", row[2]);
    if (row[3] == "u") o.set("persistence", "unlogged");
    if (!row.null(4)) o.set("owned_by", R::qualify(owner_schema, owner_table) + "." + owner_column);
    R::set_comment(o, row, 5);
  }
}

// Tables and partitioned tables: partitioning (key, parent and bound), inheritance,
// UNLOGGED, row-level security, storage options, replica identity, typed tables.
void read_tables(PgSchemaReader& r) {
  std::string parent_name = R::qualified_sql("pn.nspname", "pc.relname");
  std::string sql =
      "SELECT n.nspname, c.relname, c.relkind, c.relpersistence, c.relrowsecurity, c.relforcerowsecurity, "
      "CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END, "
      "CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END, "
      "(SELECT string_agg(" +
      parent_name +
      ", ', ' ORDER BY i.inhseqno) FROM pg_inherits i "
      " JOIN pg_class pc ON pc.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = pc.relnamespace "
      " WHERE i.inhrelid = c.oid), "
      "array_to_string(ARRAY(SELECT o FROM unnest(c.reloptions) o ORDER BY o), ', '), c.relreplident, "
      "CASE WHEN c.reloftype <> 0 THEN format_type(c.reloftype, NULL) END, c.relispartition, "
      "(SELECT amname FROM pg_am WHERE oid = c.relam AND amname <> 'heap'), " +
      PgSchemaReader::comment_sql("c.oid", "pg_class") +
      " "
      "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE " +
      relation_filter(r, "'r', 'p', 'f'");
  for (const auto& row : r.rows(sql)) {
    if (R::skip_table(row[0], row[1])) continue;
    std::string name = R::qualify(row[0], row[1]);
    if (row[2] == "f") R::cannot_read(SchemaKind::kTable, name, "Trellis cannot read foreign tables");
    SchemaObject& o = r.add(SchemaKind::kTable, name);
    o.set("row_security", row.flag(4) ? "on" : "off");
    if (row.flag(5)) o.set("force_row_security", "on");
    if (row[3] == "u") o.set("persistence", "unlogged");
    if (!row.null(6)) o.set("partition_key", row[6]);
    if (row.flag(12))
      o.set("partition_of", row[8]).set("partition_bound", row[7]);
    else if (!row.null(8))
      o.set("inherits", row[8]);
    if (!row[9].empty()) o.set("options", row[9]);
    static const char* kIdentity[] = {"nothing", "full", "index"};
    for (int k = 0; k < 3; ++k)
      if (row[10] == std::string(1, "nfi"[k])) o.set("replica_identity", kIdentity[k]);
    if (!row.null(11)) o.set("of_type", row[11]);
    if (!row.null(13)) o.set("access_method", row[13]);
    R::set_comment(o, row, 14);
  }
}

// Columns of tables: type, collation when not the type's, default, nullability,
// identity (with its sequence), generated expression. Not their position.
void read_columns(PgSchemaReader& r) {
  std::string sql =
      "SELECT n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod), "
      "CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation THEN "
      " (SELECT CASE WHEN cn.nspname = 'pg_catalog' THEN quote_ident(co.collname) "
      "  ELSE quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END "
      "  FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace WHERE co.oid = a.attcollation) END, "
      "pg_get_expr(ad.adbin, ad.adrelid), a.attnotnull, a.attidentity, a.attgenerated, "
      "CASE WHEN a.attidentity <> '' THEN (SELECT " +
      R::qualified_sql("sn.nspname", "sc.relname") + " || ': ' || " +
      kSequenceParameters +
      " FROM pg_depend d JOIN pg_class sc ON sc.oid = d.objid JOIN pg_namespace sn ON sn.oid = sc.relnamespace "
      " JOIN pg_sequence s ON s.seqrelid = sc.oid WHERE d.classid = 'pg_class'::regclass "
      " AND d.refclassid = 'pg_class'::regclass AND d.refobjid = c.oid AND d.refobjsubid = a.attnum "
      " AND d.deptype = 'i') END, " +
      PgSchemaReader::comment_sql("c.oid", "pg_class", "a.attnum") +
      " "
      "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
      "JOIN pg_type t ON t.oid = a.atttypid "
      "LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum "
      "WHERE a.attnum > 0 AND NOT a.attisdropped AND " +
      relation_filter(r, "'r', 'p'");
  for (const auto& row : r.rows(sql)) {
    if (R::skip_table(row[0], row[1])) continue;
    std::string table = R::qualify(row[0], row[1]);
    SchemaObject& o = r.add(SchemaKind::kColumn, table + "." + row[2], table);
    o.set("type", row[3]).set("nullable", yes_no(!row.flag(6)));
    if (!row.null(4)) o.set("collation", row[4]);
    if (!row.null(5)) o.set(row[8] == "s" ? "generated" : "default", row[5]);
    if (row[8] == "s" && row.null(5)) R::cannot_read(SchemaKind::kColumn, o.name, "no generation expression");
    if (!row[7].empty()) {
      if (row.null(9)) R::cannot_read(SchemaKind::kColumn, o.name, "identity column without its sequence");
      o.set("identity", std::string(row[7] == "a" ? "always" : "by default") + " (" + row[9] + ")");
    }
    R::set_comment(o, row, 10);
  }
}

// Views and materialized views: pg_get_viewdef's text, options (check_option,
// security_barrier, storage parameters).
void read_views(PgSchemaReader& r) {
  std::string sql =
      "SELECT n.nspname, c.relname, c.relkind, pg_get_viewdef(c.oid), "
      "array_to_string(ARRAY(SELECT o FROM unnest(c.reloptions) o ORDER BY o), ', '), " +
      PgSchemaReader::comment_sql("c.oid", "pg_class") +
      " "
      "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE " +
      relation_filter(r, "'v', 'm'");
  for (const auto& row : r.rows(sql)) {
    SchemaKind kind = row[2] == "m" ? SchemaKind::kMaterializedView : SchemaKind::kView;
    std::string name = R::qualify(row[0], row[1]);
    if (row.null(3)) R::cannot_read(kind, name, "PostgreSQL returned no definition");
    SchemaObject& o = r.add(kind, name);
    o.set("definition", row[3]);
    if (!row[4].empty()) o.set("options", row[4]);
    R::set_comment(o, row, 5);
  }
}

}  // namespace trellis::pg
