// sqlite_schema.cc — reading a SQLite database's schema model (sqlite_schema.h).
//
// Tables: strict, without rowid. Columns: declared type, nullability, default, primary
// key position, collation, generated expression. Constraints: the primary key, UNIQUE
// constraints (their automatic indexes), foreign keys (named by their columns, as SQLite
// keeps no names), CHECKs. Indexes: their table and definition. Views and
// triggers: their definitions. Definitions are SQLite's stored text, normalized.
#include "db/sqlite_schema.h"

#include <map>
#include <set>

#include "schema/bookkeeping.h"
#include "sql/sqlite_ddl.h"

namespace trellis {
namespace {

constexpr const char* kTables =
    "m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND m.name NOT IN "
    "('trellis_migrations', 'trellis_history', 'trellis_backfills')";

std::string at(const Rows& rows, std::size_t r, std::size_t c) { return rows.at(r, c).value_or(""); }

bool excluded(const std::string& table) {
  return table.rfind("sqlite_", 0) == 0 || table == "trellis_migrations" || table == "trellis_history" ||
         table == "trellis_backfills" || is_foreign_bookkeeping("", table);
}

class Reader {
 public:
  explicit Reader(Connection& c) : c_(c) {}

  SchemaModel read() {
    model_.backend = "sqlite";
    read_objects();
    read_columns();
    read_foreign_keys();
    read_indexes();
    model_.normalize();
    return std::move(model_);
  }

 private:
  void add(SchemaObject o) { model_.objects.push_back(std::move(o)); }

  void read_objects() {
    Rows kinds = c_.query("SELECT name, type, wr, strict FROM pragma_table_list WHERE schema = 'main'");
    std::map<std::string, Flags> flags;
    for (std::size_t r = 0; r < kinds.size(); ++r) flags[at(kinds, r, 0)] = {at(kinds, r, 1), at(kinds, r, 2), at(kinds, r, 3)};
    Rows rows = c_.query("SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY name");
    for (std::size_t r = 0; r < rows.size(); ++r) {
      std::string type = at(rows, r, 0), name = at(rows, r, 1), table = at(rows, r, 2), sql = at(rows, r, 3);
      if (excluded(table)) continue;
      if (type == "table") {
        table_object(name, sql, flags[name]);
      } else if (type == "view") {
        add(SchemaObject{SchemaKind::kView, name, "", {{"definition", normalize_sqlite_sql(sql)}}});
      } else if (type == "trigger") {
        add(SchemaObject{SchemaKind::kTrigger, table + "." + name, table, {{"definition", normalize_sqlite_sql(sql)}}});
      } else if (type == "index") {
        index_sql_[name] = normalize_sqlite_sql(sql);
      }
    }
  }

  struct Flags {
    std::string type, without_rowid, strict;
  };

  void table_object(const std::string& name, const std::string& sql, const Flags& flags) {
    SchemaObject t{SchemaKind::kTable, name, "", {}};
    if (flags.type == "virtual") {
      t.set("definition", normalize_sqlite_sql(sql));
    } else {
      t.set("strict", flags.strict == "1" ? "yes" : "no");
      t.set("without_rowid", flags.without_rowid == "1" ? "yes" : "no");
    }
    add(std::move(t));
    SqliteTableText text = read_sqlite_table_text(sql);
    texts_[name] = text;
    for (const auto& check : text.checks) {
      std::string label = !check.name.empty() ? check.name : "check (" + check.expression + ")";
      if (check.name.empty() && !check.column.empty()) label = check.column + " check (" + check.expression + ")";
      add(SchemaObject{SchemaKind::kConstraint, name + "." + label, name, {{"definition", "CHECK (" + check.expression + ")"}}});
    }
  }

  void read_columns() {
    Rows rows = c_.query(std::string("SELECT m.name, p.name, p.type, p.\"notnull\", p.dflt_value, p.pk, p.hidden "
                                     "FROM sqlite_schema m JOIN pragma_table_xinfo(m.name) p WHERE ") + kTables +
                         " ORDER BY m.name, p.cid");
    std::map<std::string, std::map<int, std::string>> keys;
    for (std::size_t r = 0; r < rows.size(); ++r) {
      std::string table = at(rows, r, 0), column = at(rows, r, 1);
      if (excluded(table) || at(rows, r, 6) == "1") continue;  // a virtual table's hidden column
      SchemaObject o{SchemaKind::kColumn, table + "." + column, table, {}};
      o.set("type", at(rows, r, 2));
      o.set("nullable", at(rows, r, 3) == "1" ? "no" : "yes");
      if (rows.at(r, 4)) o.set("default", *rows.at(r, 4));
      const SqliteTableText& text = texts_[table];
      if (auto it = text.collations.find(column); it != text.collations.end()) o.set("collation", it->second);
      if (auto it = text.generated.find(column); it != text.generated.end()) o.set("generated", it->second);
      int pk = std::stoi(at(rows, r, 5).empty() ? "0" : at(rows, r, 5));
      if (pk > 0) keys[table][pk] = column;
      add(std::move(o));
    }
    for (const auto& [table, columns] : keys) {
      std::string list;
      for (const auto& [pos, column] : columns) list += (list.empty() ? "" : ", ") + column;
      add(SchemaObject{SchemaKind::kConstraint, table + ".primary key", table, {{"definition", "PRIMARY KEY (" + list + ")"}}});
    }
  }

  void read_foreign_keys() {
    Rows rows = c_.query(std::string("SELECT m.name, f.id, f.\"table\", f.\"from\", f.\"to\", f.on_update, f.on_delete, "
                                     "f.\"match\" FROM sqlite_schema m JOIN pragma_foreign_key_list(m.name) f WHERE ") +
                         kTables + " ORDER BY m.name, f.id, f.seq");
    struct Key {
      std::string from, to, target, on_update, on_delete, match;
    };
    std::map<std::pair<std::string, std::string>, Key> keys;
    for (std::size_t r = 0; r < rows.size(); ++r) {
      std::string table = at(rows, r, 0);
      if (excluded(table)) continue;
      Key& k = keys[{table, at(rows, r, 1)}];
      k.target = at(rows, r, 2);
      k.from += (k.from.empty() ? "" : ", ") + at(rows, r, 3);
      if (rows.at(r, 4)) k.to += (k.to.empty() ? "" : ", ") + *rows.at(r, 4);
      k.on_update = at(rows, r, 5), k.on_delete = at(rows, r, 6), k.match = at(rows, r, 7);
    }
    for (const auto& [where, k] : keys) {
      const std::string& table = where.first;
      SchemaObject o{SchemaKind::kConstraint, table + ".foreign key (" + k.from + ")", table, {}};
      o.set("definition", "FOREIGN KEY (" + k.from + ") REFERENCES " + k.target + (k.to.empty() ? "" : "(" + k.to + ")"));
      o.set("on_update", k.on_update);
      o.set("on_delete", k.on_delete);
      if (k.match != "NONE") o.set("match", k.match);
      add(std::move(o));
    }
  }

  void read_indexes() {
    Rows rows = c_.query(std::string("SELECT m.name, il.name, il.origin, x.name, x.\"desc\", x.coll "
                                     "FROM sqlite_schema m JOIN pragma_index_list(m.name) il "
                                     "JOIN pragma_index_xinfo(il.name) x WHERE ") +
                         kTables + " AND x.key = 1 ORDER BY m.name, il.name, x.seqno");
    std::map<std::string, SchemaObject> indexes;
    std::map<std::string, std::string> columns;
    for (std::size_t r = 0; r < rows.size(); ++r) {
      std::string table = at(rows, r, 0), index = at(rows, r, 1), origin = at(rows, r, 2);
      if (excluded(table) || origin == "pk") continue;  // the primary key is a constraint
      std::string column = rows.at(r, 3) ? *rows.at(r, 3) : "<expression>";
      if (at(rows, r, 4) == "1") column += " DESC";
      if (at(rows, r, 5) != "BINARY") column += " COLLATE " + at(rows, r, 5);
      std::string& list = columns[index];
      list += (list.empty() ? "" : ", ") + column;
      if (indexes.count(index) == 0) {
        SchemaObject o{origin == "u" ? SchemaKind::kConstraint : SchemaKind::kIndex, "", table, {}};
        if (origin != "u") {  // its definition says unique, columns and predicate
          o.name = index;
          o.set("table", table);
          o.set("definition", index_sql_[index]);
        }
        indexes[index] = std::move(o);
      }
    }
    for (auto& [index, o] : indexes) {
      const std::string& list = columns[index];
      if (o.kind == SchemaKind::kConstraint) {
        o.name = o.parent + ".unique (" + list + ")";  // SQLite names it sqlite_autoindex_*: by its columns
        o.set("definition", "UNIQUE (" + list + ")");
      }
      add(std::move(o));
    }
  }

  Connection& c_;
  SchemaModel model_;
  std::map<std::string, SqliteTableText> texts_;
  std::map<std::string, std::string> index_sql_;
};

}  // namespace

SchemaModel read_sqlite_schema(Connection& connection) { return Reader(connection).read(); }

}  // namespace trellis
