// pg_outside.cc — judging statements that run outside a transaction (see pg_outside.h).
#include "db/pg_outside.h"

#include <cctype>
#include <nlohmann/json.hpp>
#include <optional>

#include "db/libpq_api.h"
#include "db/pg_leftovers.h"
#include "trellis/error.h"

namespace trellis::pg {
namespace {

using Json = nlohmann::json;
using Action = OutsideVerdict::Action;

std::string qualified(const Connection& c, const Json& range_var) {
  std::string name = c.identifier(range_var.value("relname", ""));
  std::string schema = range_var.value("schemaname", "");
  return schema.empty() ? name : c.identifier(schema) + "." + name;
}

// The end of the (possibly qualified, possibly quoted) name starting at `pos`: the lexical
// rule of SQL identifiers, applied to a name the parser has already located.
std::size_t name_end(const std::string& sql, std::size_t pos) {
  for (;;) {
    if (pos < sql.size() && sql[pos] == '"') {
      for (++pos; pos < sql.size(); ++pos) {
        if (sql[pos] == '"' && (pos + 1 >= sql.size() || sql[pos + 1] != '"')) break;
        if (sql[pos] == '"') ++pos;
      }
      ++pos;
    } else {
      while (pos < sql.size() && (std::isalnum(static_cast<unsigned char>(sql[pos])) ||
                                  sql[pos] == '_' || sql[pos] == '$' ||
                                  static_cast<unsigned char>(sql[pos]) >= 0x80)) {
        ++pos;
      }
    }
    if (pos < sql.size() && sql[pos] == '.') {
      ++pos;
      continue;
    }
    return pos;
  }
}

// pg_get_indexdef() text without the index's and the table's names: what makes two
// indexes the same index.
std::string shape_of(const std::string& indexdef) {
  std::size_t using_at = indexdef.find(" USING ");
  std::string unique = indexdef.rfind("CREATE UNIQUE", 0) == 0 ? "UNIQUE" : "";
  return using_at == std::string::npos ? indexdef : unique + indexdef.substr(using_at);
}

struct ExistingIndex {
  std::string schema, name, shape, definition;
  bool valid = false;
  std::string builder_pid;  // a live session building it right now, if any
};

std::vector<ExistingIndex> indexes_of(Connection& c, const std::string& table) {
  Result r = c.exec_params(
      "SELECT n.nspname, ic.relname, i.indisvalid, pg_get_indexdef(i.indexrelid), "
      "  coalesce((SELECT p.pid::text FROM pg_stat_progress_create_index p "
      "            WHERE p.relid = i.indrelid AND (p.index_relid = i.indexrelid OR "
      "              (p.index_relid = 0 AND p.command = 'CREATE INDEX CONCURRENTLY')) "
      "              AND p.pid <> pg_backend_pid() LIMIT 1), '') "
      "FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid "
      "JOIN pg_namespace n ON n.oid = ic.relnamespace WHERE i.indrelid = to_regclass($1)",
      {table});
  std::vector<ExistingIndex> out;
  for (int row = 0; row < libpq().PQntuples(r.get()); ++row) {
    ExistingIndex e{text_at(r, row, 0), text_at(r, row, 1), "", text_at(r, row, 3),
                    text_at(r, row, 2) == "t", text_at(r, row, 4)};
    e.shape = shape_of(e.definition);
    out.push_back(std::move(e));
  }
  return out;
}

// The shape the statement's index would have: built by PostgreSQL on an empty temporary
// copy of the table's columns, in a transaction that is rolled back.
std::string probe_shape(Connection& c, const std::string& sql, const Json& index) {
  const Json& rel = index["relation"];
  auto at = static_cast<std::size_t>(rel.value("location", 0));
  std::string rest = sql.substr(name_end(sql, at));
  std::string create = index.value("unique", false) ? "CREATE UNIQUE INDEX" : "CREATE INDEX";
  try {
    c.exec("BEGIN; SET LOCAL lock_timeout = '5s'; CREATE TEMP TABLE trellis_probe (LIKE " +
           qualified(c, rel) + ") ON COMMIT DROP; " + create + " trellis_probe_ix ON trellis_probe" +
           rest);
    Result def = c.exec("SELECT pg_get_indexdef('trellis_probe_ix'::regclass)");
    std::string shape = shape_of(text_at(def, 0, 0));
    c.exec("ROLLBACK");
    return shape;
  } catch (const SqlError&) {
    if (!c.lost()) c.exec("ROLLBACK");
    throw;
  }
}

std::string drop_invalid(Connection& c, const ExistingIndex& e) {
  c.exec("DROP INDEX CONCURRENTLY IF EXISTS " + c.identifier(e.schema) + "." + c.identifier(e.name));
  return "dropped INVALID index " + e.schema + "." + e.name +
         " left by an interrupted CREATE INDEX CONCURRENTLY";
}

OutsideVerdict cannot_tell(std::string detail) {
  OutsideVerdict v;
  v.action = Action::kCannotTell;
  v.detail = std::move(detail);
  return v;
}

OutsideVerdict done(std::string detail) {
  OutsideVerdict v;
  v.action = Action::kDone;
  v.detail = std::move(detail);
  return v;
}

OutsideVerdict judge_named_index(Connection& c, const std::string& sql, const Json& index,
                                 bool may_have_run) {
  std::string name = index.value("idxname", "");
  OutsideVerdict v;
  for (const ExistingIndex& e : indexes_of(c, qualified(c, index["relation"]))) {
    if (e.name != name) continue;
    if (!e.builder_pid.empty()) {
      return cannot_tell("index " + e.schema + "." + name + " is being built right now by "
                         "another session (pid " + e.builder_pid + "); wait for it to end, then "
                         "apply again");
    }
    if (!e.valid) {
      v.notes.push_back(drop_invalid(c, e));
      return v;
    }
    if (!may_have_run) return v;  // the statement itself says what an existing index means
    if (probe_shape(c, sql, index) == e.shape) {
      return done("index " + e.schema + "." + name + " exists, is valid and has the "
                  "statement's definition: the interrupted run had finished it");
    }
    return cannot_tell("index " + e.schema + "." + name + " exists and is valid, but is "
                       "defined as `" + e.definition + "`, which is not what the statement "
                       "builds; drop it if it is not the one you want, then apply again");
  }
  return v;
}

OutsideVerdict judge_unnamed_index(Connection& c, const std::string& sql, const Json& index,
                                   bool may_have_run) {
  std::string shape = probe_shape(c, sql, index);
  OutsideVerdict v;
  for (const ExistingIndex& e : indexes_of(c, qualified(c, index["relation"]))) {
    if (e.shape != shape) continue;
    if (!e.builder_pid.empty()) {
      return cannot_tell("an index of this definition (" + e.schema + "." + e.name +
                         ") is being built right now by another session (pid " +
                         e.builder_pid + "); wait for it to end, then apply again");
    }
    if (e.valid && may_have_run) {
      return done("index " + e.schema + "." + e.name + " has the statement's definition and "
                  "is valid: the interrupted run had finished it");
    }
    if (!e.valid) v.notes.push_back(drop_invalid(c, e));
  }
  return v;
}

OutsideVerdict judge_drop_index(Connection& c, const Json& drop, bool may_have_run) {
  if (!may_have_run) return {};
  for (const Json& object : drop.value("objects", Json::array())) {
    std::string name;
    for (const Json& part : object.value("List", Json::object()).value("items", Json::array())) {
      std::string piece = part.value("String", Json::object()).value("sval", "");
      name += (name.empty() ? "" : ".") + c.identifier(piece);
    }
    Result r = c.exec_params("SELECT to_regclass($1) IS NOT NULL", {name});
    if (text_at(r, 0, 0) == "t") return {};
  }
  return done("the indexes it drops no longer exist: the interrupted run had dropped them");
}

OutsideVerdict judge_detach(Connection& c, const Json& alter, bool may_have_run) {
  if (!may_have_run) return {};
  std::string parent = qualified(c, alter["relation"]);
  for (const Json& cmd : alter.value("cmds", Json::array())) {
    const Json part = cmd["AlterTableCmd"].value("def", Json::object()).value("PartitionCmd", Json::object());
    if (part.empty()) continue;
    std::string child = qualified(c, part["name"]);
    Result r = c.exec_params(
        "SELECT inhdetachpending FROM pg_inherits WHERE inhrelid = to_regclass($1) "
        "AND inhparent = to_regclass($2)", {child, parent});
    if (libpq().PQntuples(r.get()) == 0) {
      return done(child + " is no longer a partition of " + parent + ": the interrupted run had detached it");
    }
    if (text_at(r, 0, 0) == "t") {
      OutsideVerdict v;
      v.instead = "ALTER TABLE " + parent + " DETACH PARTITION " + child + " FINALIZE";
      v.notes.push_back("finishing the interrupted detach of " + child + " (" + v.instead + ")");
      return v;
    }
  }
  return {};
}

}  // namespace

OutsideVerdict judge_outside(Connection& c, const std::string& sql, bool may_have_run) {
  std::optional<Json> stmt = first_statement(sql);
  if (!stmt || stmt->empty()) return {};
  const std::string node = stmt->begin().key();
  const Json& body = stmt->begin().value();
  if (node == "IndexStmt") {
    return body.value("idxname", "").empty() ? judge_unnamed_index(c, sql, body, may_have_run)
                                             : judge_named_index(c, sql, body, may_have_run);
  }
  if (node == "DropStmt") return judge_drop_index(c, body, may_have_run);
  if (node == "AlterTableStmt") return judge_detach(c, body, may_have_run);
  if (node == "ReindexStmt") {
    OutsideVerdict v;
    if (auto build = concurrent_build_of(sql)) v.notes = drop_leftovers(c, *build);
    return v;
  }
  if (node == "VacuumStmt" || node == "ClusterStmt" || !may_have_run) return {};
  return cannot_tell("the statement runs outside a transaction and an earlier run of it was "
                     "interrupted: check in the database whether it took effect");
}

}  // namespace trellis::pg
