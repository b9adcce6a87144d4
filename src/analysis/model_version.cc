// model_version.cc — syntax that older PostgreSQL servers reject: with a known
// `[lint] postgres_version` below the release that brought it, the statement fails there
// (needs-newer-postgres). Read from the parse tree, which has the PostgreSQL 15 grammar.
#include "analysis/model.h"

namespace trellis::analysis {
namespace {

struct Gate {
  int major;
  std::string what;
  std::string help;
};

void gate(Builder& b, const std::string& table, const Gate& g, bool only_in_transaction = false) {
  Hazard& h = b.hazard("needs-newer-postgres", table,
                       g.what + " needs PostgreSQL " + std::to_string(g.major) + " or later: this statement fails on older servers",
                       g.help);
  h.only_before_version = g.major;
  h.only_in_transaction = only_in_transaction;
}

// What a column or table constraint under `node` needs: identity (10), stored generated
// columns (12), UNIQUE NULLS NOT DISTINCT (15). Each found once per statement.
void constraints_under(const Json& node, std::set<std::string>& found) {
  if (node.is_object()) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (it.key() == "nulls_not_distinct" && it.value().is_boolean() && it.value().get<bool>()) found.insert("nnd");
      if (it.key() == "contype" && it.value().is_string()) found.insert(it.value().get<std::string>());
      if (it.key() == "subtype" && it.value().is_string()) found.insert(it.value().get<std::string>());
      constraints_under(it.value(), found);
    }
  } else if (node.is_array()) {
    for (const auto& item : node) constraints_under(item, found);
  }
}

void table_gates(const std::string& table, const Json& stmt, Builder& b) {
  std::set<std::string> found;
  constraints_under(stmt, found);
  if (found.count("nnd")) {
    gate(b, table, {15, "NULLS NOT DISTINCT", "on older servers NULLs never collide in a unique index: keep NULLs out with NOT NULL, or index COALESCE(col, sentinel)"});
  }
  if (found.count("CONSTR_GENERATED")) {
    gate(b, table, {12, "a stored generated column (GENERATED ALWAYS AS … STORED)", "fill the column from a trigger, or compute it in the query"});
  }
  if (found.count("CONSTR_IDENTITY") || found.count("AT_AddIdentity")) {
    gate(b, table, {10, "an identity column (GENERATED … AS IDENTITY)", "use a sequence and DEFAULT nextval(…)"});
  }
  if (found.count("AT_SetAccessMethod")) {
    gate(b, table, {15, "ALTER TABLE … SET ACCESS METHOD", "create a table with the access method and copy the rows over"});
  }
  if (found.count("AT_DetachPartitionFinalize")) {
    gate(b, table, {14, "DETACH PARTITION … FINALIZE", "detach without CONCURRENTLY at a quiet time, with a short lock_timeout"});
  }
}

bool reindex_concurrently(const Json& stmt) {
  const Json& params = field(stmt, "params");
  if (!params.is_array()) return false;
  for (const auto& p : params) {
    if (str(field(p, "DefElem"), "defname") == "concurrently") return true;
  }
  return false;
}

bool detach_concurrently(const Json& stmt) {
  const Json& cmds = field(stmt, "cmds");
  if (!cmds.is_array()) return false;
  for (const auto& item : cmds) {
    const Json& cmd = field(item, "AlterTableCmd");
    if (str(cmd, "subtype") == "AT_DetachPartition" && flag(field(field(cmd, "def"), "PartitionCmd"), "concurrent")) return true;
  }
  return false;
}

}  // namespace

void version_gates(const std::string& kind, const Json& stmt, Builder& b) {
  if (kind == "IndexStmt") {
    std::string table = range_var_name(field(stmt, "relation"));
    if (field(stmt, "indexIncludingParams").is_array()) {
      gate(b, table, {11, "CREATE INDEX … INCLUDE", "add the included columns to the index key, or leave them out"});
    }
    if (flag(stmt, "nulls_not_distinct")) table_gates(table, stmt, b);
  } else if (kind == "CreateStmt" || kind == "AlterTableStmt") {
    std::string table = range_var_name(field(stmt, "relation"));
    table_gates(table, stmt, b);
    if (kind == "AlterTableStmt" && detach_concurrently(stmt)) {
      gate(b, table, {14, "DETACH PARTITION … CONCURRENTLY", "detach without CONCURRENTLY at a quiet time, with a short lock_timeout"});
    }
  } else if (kind == "ReindexStmt" && reindex_concurrently(stmt)) {
    gate(b, range_var_name(field(stmt, "relation")),
         {12, "REINDEX CONCURRENTLY", "build a replacement with CREATE INDEX CONCURRENTLY, then DROP INDEX CONCURRENTLY the old one and rename the new one"});
  } else if (kind == "MergeStmt") {
    gate(b, range_var_name(field(stmt, "relation")), {15, "MERGE", "use INSERT … ON CONFLICT, or an UPDATE and an INSERT"});
  } else if (kind == "CreateTrigStmt" && flag(stmt, "replace")) {
    gate(b, range_var_name(field(stmt, "relation")), {14, "CREATE OR REPLACE TRIGGER", "DROP TRIGGER IF EXISTS, then CREATE TRIGGER, in one transaction"});
  } else if (kind == "CreateFunctionStmt" && flag(stmt, "is_procedure")) {
    gate(b, "", {11, "CREATE PROCEDURE", "use a function (CREATE FUNCTION … RETURNS void)"});
  } else if (kind == "AlterEnumStmt" && str(stmt, "oldVal").empty()) {
    gate(b, "", {12, "ALTER TYPE … ADD VALUE inside a transaction block", "put ADD VALUE in its own migration with `-- transaction: false`"}, true);
  }
}

}  // namespace trellis::analysis
