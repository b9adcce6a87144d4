// pg_schema.h — the PostgreSQL schema reader (Catalog::read_schema): the schema model
// (trellis/schema.h) read from pg_catalog, one query per kind of object, in one
// REPEATABLE READ snapshot with the settings that decide how the catalog's functions
// write text (search_path, DateStyle, IntervalStyle, TimeZone, extra_float_digits) fixed,
// so the same schema reads the same on any server and session.
//
// Left out: pg_catalog, information_schema, pg_toast and temporary schemas, trellis' own
// state schema, objects that belong to an extension (pg_depend deptype 'e'; the extension
// itself is listed), other tools' bookkeeping (schema/bookkeeping.h), ownership and grants
// (roles differ between a scratch database and the live one). An index that belongs to a
// primary key, unique or exclusion constraint is part of that constraint and not listed
// again; an identity column's sequence is part of the column's `identity`.
//
// The parts (pg_schema_<part>.cc) share a PgSchemaReader: every query's first column is
// the object's schema, and rows of other tools' bookkeeping schemas are dropped there.
#pragma once

#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "trellis/connection.h"
#include "trellis/schema.h"

namespace trellis::pg {

// Reads the schema model on `connection`. `in_transaction`: the caller has a transaction
// open (the reader then works in a savepoint it rolls back, leaving the caller's
// settings as they were). Throws Error(kState) naming an object it cannot read.
SchemaModel read_pg_schema(trellis::Connection& connection, const std::string& state_schema,
                           bool in_transaction);

// One row of a catalog query, as text; NULL reads as "".
class CatalogRow {
 public:
  explicit CatalogRow(const std::vector<std::optional<std::string>>& values) : values_(values) {}
  const std::string& operator[](std::size_t column) const;
  bool null(std::size_t column) const { return column >= values_.size() || !values_[column]; }
  bool flag(std::size_t column) const { return (*this)[column] == "t"; }

 private:
  const std::vector<std::optional<std::string>>& values_;
};

class PgSchemaReader {
 public:
  PgSchemaReader(trellis::Connection& connection, const std::string& state_schema);

  // The rows of `sql`, but those whose first column names another tool's bookkeeping
  // schema.
  std::vector<CatalogRow> rows(const std::string& sql);
  // A condition on `ns` (a pg_namespace alias) that leaves out the system schemas, the
  // state schema and schemas an extension created.
  std::string schema_filter(const std::string& ns) const;
  // A condition that the object `oid` of catalog `catalog` ("pg_class") belongs to no
  // extension.
  static std::string not_extension_member(const std::string& catalog, const std::string& oid);
  // SQL for the comment on object `oid` (sub-object `subid`) of `catalog`: a subquery on
  // pg_description, cheaper per row than obj_description()'s function call.
  static std::string comment_sql(const std::string& oid, const std::string& catalog, const std::string& subid = "0");
  // SQL for the model's name of `name` in schema `ns` (both column expressions).
  static std::string qualified_sql(const std::string& ns, const std::string& name);

  // The model's name: "name" in the public schema, "schema.name" elsewhere.
  static std::string qualify(const std::string& schema, const std::string& name);
  // Whether a table is another tool's bookkeeping (its columns, constraints and indexes
  // are left out with it).
  static bool skip_table(const std::string& schema, const std::string& table);

  // Adds an object; an empty comment is not a property.
  SchemaObject& add(SchemaKind kind, std::string name, std::string parent = "");
  static void set_comment(SchemaObject& o, const CatalogRow& row, std::size_t column);
  // Throws Error(kState) "<kind> <name>: <what>".
  [[noreturn]] static void cannot_read(SchemaKind kind, const std::string& name, const std::string& what);

  SchemaModel& model() { return model_; }

 private:
  trellis::Connection& connection_;
  std::string state_schema_;
  SchemaModel model_;
  std::deque<Rows> results_;  // the rows CatalogRows point into (a deque never moves them)
};

// The parts, in the order read_pg_schema() calls them.
void read_schemas_and_extensions(PgSchemaReader& r);
void read_types_and_domains(PgSchemaReader& r);
void read_sequences(PgSchemaReader& r);
void read_tables(PgSchemaReader& r);
void read_columns(PgSchemaReader& r);
void read_views(PgSchemaReader& r);
void read_constraints(PgSchemaReader& r);
void read_indexes(PgSchemaReader& r);
void read_routines(PgSchemaReader& r);
void read_triggers(PgSchemaReader& r);
void read_policies(PgSchemaReader& r);

}  // namespace trellis::pg
