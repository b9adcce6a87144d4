// pg_statement.cc — reading one PostgreSQL statement's parse tree (libpg_query).
#include "sql/pg_statement.h"

#include <pg_query.h>

namespace trellis::pg {
namespace {

using Json = nlohmann::json;

void read_relation(const Json& relation, ConcurrentBuild& build) {
  build.schema = relation.value("schemaname", "");
  build.relation = relation.value("relname", "");
}

std::optional<ConcurrentBuild> from_reindex(const Json& stmt) {
  if (!has_concurrently_option(stmt)) return std::nullopt;
  std::string kind = stmt.value("kind", "");
  ConcurrentBuild build;
  if (kind == "REINDEX_OBJECT_INDEX") {
    build.kind = ConcurrentBuild::Kind::kReindexIndex;
  } else if (kind == "REINDEX_OBJECT_TABLE") {
    build.kind = ConcurrentBuild::Kind::kReindexTable;
  } else {
    return std::nullopt;
  }
  read_relation(stmt.value("relation", Json::object()), build);
  return build;
}

}  // namespace

std::optional<Json> first_statement(const std::string& sql) {
  PgQueryParseResult result = pg_query_parse(sql.c_str());
  std::optional<Json> stmt;
  if (result.error == nullptr) {
    Json tree = Json::parse(result.parse_tree, nullptr, false);
    if (tree.is_object() && tree.contains("stmts") && tree["stmts"].size() == 1) {
      stmt = tree["stmts"][0].value("stmt", Json::object());
    }
  }
  pg_query_free_parse_result(result);
  return stmt;
}

bool has_concurrently_option(const Json& reindex) {
  for (const Json& param : reindex.value("params", Json::array())) {
    const Json def = param.value("DefElem", Json::object());
    if (def.value("defname", "") != "concurrently") continue;
    if (!def.contains("arg")) return true;
    std::string text = def["arg"].dump();
    return text.find("false") == std::string::npos && text.find("off") == std::string::npos &&
           text.find("\"ival\":0") == std::string::npos;
  }
  return false;
}

std::optional<ConcurrentBuild> concurrent_build_of(const std::string& sql) {
  std::optional<Json> stmt = first_statement(sql);
  if (!stmt) return std::nullopt;
  if (stmt->contains("ReindexStmt")) return from_reindex((*stmt)["ReindexStmt"]);
  if (!stmt->contains("IndexStmt")) return std::nullopt;
  const Json& index = (*stmt)["IndexStmt"];
  if (!index.value("concurrent", false)) return std::nullopt;
  ConcurrentBuild build;
  build.index = index.value("idxname", "");
  read_relation(index.value("relation", Json::object()), build);
  return build;
}

}  // namespace trellis::pg
