// trellis/schema.h — the schema model: a normalized, backend-neutral description of a
// database's schema, read from its catalog (Catalog::read_schema, never by parsing SQL),
// compared object by object (diff_schemas), rendered as canonical text and JSON.
//
// An object is a kind, a name and properties (name → canonical text). Names are qualified
// by their schema unless it is the database's default one ("public", SQLite's "main"):
// "users", "billing.invoices". Objects that belong to a table (columns, constraints,
// triggers, policies) are named "<table>.<name>" and name the table as `parent`; an index
// is named by itself (its name is unique in its schema) and names its table as `parent`.
// Functions are named with their argument types: "touch(integer, text)". A column's
// position is not part of the model: two features adding columns to one table in either
// order make the same schema.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace trellis {

// In canonical order: an object is rendered and compared after those of earlier kinds.
enum class SchemaKind {
  kExtension,
  kSchema,
  kType,  // enum, composite, range
  kDomain,
  kSequence,
  kTable,
  kColumn,
  kConstraint,
  kIndex,
  kView,
  kMaterializedView,
  kFunction,
  kProcedure,
  kTrigger,
  kPolicy,
};
// "extension", "schema", "type", "domain", "sequence", "table", "column", "constraint",
// "index", "view", "materialized view", "function", "procedure", "trigger", "policy".
const char* schema_kind_name(SchemaKind kind);
// The kind for a name as schema_kind_name() writes it (also "materialized_view"); false
// for any other name.
bool parse_schema_kind(std::string_view name, SchemaKind* out);

struct SchemaProperty {
  std::string name;   // "type", "default", "nullable", "definition", "comment", …
  std::string value;  // canonical text: the catalog's own where it has one (pg_get_*def)
};

struct SchemaObject {
  SchemaKind kind = SchemaKind::kTable;
  std::string name;
  std::string parent;  // the owning table (or view) for columns, constraints, indexes, …
  std::vector<SchemaProperty> properties;  // sorted by name once the model is normalized

  // The value of a property, or nullptr when the object has none of that name.
  const std::string* property(std::string_view property_name) const;
  // Adds a property (an empty value is kept: it is a fact, as "default: " would not be).
  SchemaObject& set(std::string property_name, std::string value);
};

struct SchemaModel {
  std::string backend;  // "postgres", "sqlite": models of different backends never compare equal
  std::vector<SchemaObject> objects;  // sorted by (kind, name) once normalized

  // Sorts objects by (kind, name) and each object's properties by name. Readers call it
  // once when they are done; everything below expects a normalized model.
  void normalize();
  const SchemaObject* find(SchemaKind kind, std::string_view name) const;
  // Removes every object that matches `pattern` ("table:audit_*", "index:*_tmp",
  // "*:legacy_*": kind, a colon, a name where '*' matches any run of characters), and the
  // objects whose parent it removes. Returns how many objects it removed.
  std::size_t remove_matching(std::string_view pattern);
};

bool operator==(const SchemaProperty& a, const SchemaProperty& b);
bool operator==(const SchemaObject& a, const SchemaObject& b);
bool operator==(const SchemaModel& a, const SchemaModel& b);

// Whether `pattern` (as for remove_matching) matches an object of `kind` named `name`.
// Throws Error(kConfig) for a pattern without "kind:" or with an unknown kind.
bool object_pattern_matches(std::string_view pattern, SchemaKind kind, std::string_view name);
// Throws Error(kConfig) "<where>: …" when `pattern` is not "kind:name-glob".
void check_object_pattern(std::string_view pattern, const std::string& where);

// --- comparing ----------------------------------------------------------------------------
struct PropertyChange {
  std::string property;
  std::optional<std::string> expected;  // nullopt: the expected object has no such property
  std::optional<std::string> actual;
};

struct SchemaDifference {
  enum class Type {
    kMissing,     // in the expected schema, not in the actual one
    kUnexpected,  // in the actual schema, not in the expected one
    kDiffers      // in both, with different properties (listed in `changes`)
  };
  Type type = Type::kDiffers;
  SchemaKind kind = SchemaKind::kTable;
  std::string name;
  std::vector<PropertyChange> changes;
};

// Every difference between two normalized models, in canonical order. An object whose
// parent is itself missing or unexpected is not listed again (a dropped table is one
// difference, not one per column).
std::vector<SchemaDifference> diff_schemas(const SchemaModel& expected, const SchemaModel& actual);

// One line per difference, with `expected_side` / `actual_side` naming the two models for
// the reader ("the database", "the migrations"):
//   "column users.email: missing in the database"
//   "table rogue: not created by any migration"      (Type::kUnexpected, as check words it)
//   "index ix_orders_user: definition differs: <expected> vs <actual>"
struct DifferenceWords {
  std::string missing = "missing in the database";
  std::string unexpected = "not created by any migration";
};
std::string describe_difference(const SchemaDifference& d, const DifferenceWords& words = {});

// --- rendering ----------------------------------------------------------------------------
// Canonical text: one block per object in canonical order, a blank line between blocks:
//   table users
//     row_security: off
//   column users.email
//     nullable: no
//     type: text
// A property whose value spans lines is written as "name: |" and its lines indented.
std::string render_schema_text(const SchemaModel& model);
// {"backend": "...", "objects": [{"kind": "...", "name": "...", "parent": "...",
//   "properties": {"name": "value", ...}}, ...]}: compact, one line.
std::string render_schema_json(const SchemaModel& model);
// The model render_schema_json() wrote. Throws Error(kParse) for anything else.
SchemaModel parse_schema_json(std::string_view json);

}  // namespace trellis
