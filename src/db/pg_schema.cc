// pg_schema.cc — the PostgreSQL schema reader: the snapshot and settings it reads in, and
// what its parts share (pg_schema.h).
#include "db/pg_schema.h"

#include "schema/bookkeeping.h"
#include "trellis/error.h"

namespace trellis::pg {
namespace {

std::string literal(const std::string& text) {
  std::string out = "'";
  for (char ch : text) out += ch == '\'' ? std::string("''") : std::string(1, ch);
  return out + "'";
}

// How the catalog's functions write names and constants: a name on the search path is
// written unqualified (public's, as the model names them), a date or an interval
// constant in a default depends on DateStyle and IntervalStyle, a timestamptz one on
// TimeZone, a float one on extra_float_digits. Fixed here as pg_dump fixes them.
constexpr const char* kSettings =
    "SET LOCAL search_path = public; SET LOCAL DateStyle = 'ISO, YMD'; "
    "SET LOCAL IntervalStyle = 'postgres'; SET LOCAL TimeZone = 'UTC'; "
    "SET LOCAL extra_float_digits = 3; SET LOCAL bytea_output = 'hex'; "
    "SET LOCAL standard_conforming_strings = on; ";

}  // namespace

const std::string& CatalogRow::operator[](std::size_t column) const {
  static const std::string kEmpty;
  return null(column) ? kEmpty : *values_[column];
}

PgSchemaReader::PgSchemaReader(trellis::Connection& connection, const std::string& state_schema)
    : connection_(connection), state_schema_(state_schema) {
  model_.backend = "postgres";
}

std::vector<CatalogRow> PgSchemaReader::rows(const std::string& sql) {
  const Rows& result = results_.emplace_back(connection_.query(sql));
  std::vector<CatalogRow> out;
  out.reserve(result.size());
  for (const auto& values : result.rows) {
    CatalogRow row(values);
    if (!is_foreign_bookkeeping_schema(row[0])) out.push_back(row);
  }
  return out;
}

std::string PgSchemaReader::schema_filter(const std::string& ns) const {
  return ns + ".nspname NOT IN ('pg_catalog', 'information_schema', " + literal(state_schema_) + ") AND " + ns +
         ".nspname NOT LIKE 'pg\\_toast%' AND " + ns + ".nspname NOT LIKE 'pg\\_temp\\_%' AND " +
         not_extension_member("pg_namespace", ns + ".oid");
}

std::string PgSchemaReader::not_extension_member(const std::string& catalog, const std::string& oid) {
  return "NOT EXISTS (SELECT 1 FROM pg_depend xd WHERE xd.classid = '" + catalog + "'::regclass AND xd.objid = " +
         oid + " AND xd.deptype = 'e')";
}

std::string PgSchemaReader::comment_sql(const std::string& oid, const std::string& catalog, const std::string& subid) {
  return "(SELECT description FROM pg_description WHERE objoid = " + oid + " AND classoid = '" + catalog +
         "'::regclass AND objsubid = " + subid + ")";
}

std::string PgSchemaReader::qualified_sql(const std::string& ns, const std::string& name) {
  return "CASE WHEN " + ns + " = 'public' THEN " + name + "::text ELSE " + ns + " || '.' || " + name + " END";
}

std::string PgSchemaReader::qualify(const std::string& schema, const std::string& name) {
  return schema == "public" ? name : schema + "." + name;
}

bool PgSchemaReader::skip_table(const std::string& schema, const std::string& table) {
  return is_foreign_bookkeeping(schema, table);
}

SchemaObject& PgSchemaReader::add(SchemaKind kind, std::string name, std::string parent) {
  SchemaObject& o = model_.objects.emplace_back();
  o.kind = kind;
  o.name = std::move(name);
  o.parent = std::move(parent);
  return o;
}

void PgSchemaReader::set_comment(SchemaObject& o, const CatalogRow& row, std::size_t column) {
  if (!row.null(column)) o.set("comment", row[column]);
}

void PgSchemaReader::cannot_read(SchemaKind kind, const std::string& name, const std::string& what) {
  throw Error(ErrorKind::kState, std::string(schema_kind_name(kind)) + " " + name + ": " + what);
}

SchemaModel read_pg_schema(trellis::Connection& connection, const std::string& state_schema, bool in_transaction) {
  connection.query(std::string(in_transaction ? "SAVEPOINT trellis_read_schema; "
                                              : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; ") +
                   kSettings);
  auto end = [&] {
    connection.query(in_transaction ? "ROLLBACK TO SAVEPOINT trellis_read_schema; RELEASE SAVEPOINT trellis_read_schema"
                                    : "ROLLBACK");
  };
  PgSchemaReader reader(connection, state_schema);
  try {
    for (auto* part : {read_schemas_and_extensions, read_types_and_domains, read_sequences, read_tables, read_columns,
                       read_views, read_constraints, read_indexes, read_routines, read_triggers, read_policies})
      part(reader);
  } catch (...) {
    if (in_transaction) {
      try {
        end();
      } catch (...) {  // the first error is the one to report
      }
    } else {
      connection.rollback();
    }
    throw;
  }
  end();
  SchemaModel model = std::move(reader.model());
  model.normalize();
  return model;
}

}  // namespace trellis::pg
