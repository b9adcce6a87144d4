// pg_leftovers.cc — finding and dropping INVALID indexes of interrupted concurrent builds.
#include "db/pg_leftovers.h"

#include "db/libpq_api.h"

namespace trellis::pg {
namespace {

std::string qualified(const Connection& connection, const ConcurrentBuild& build) {
  std::string name = connection.identifier(build.relation);
  return build.schema.empty() ? name : connection.identifier(build.schema) + "." + name;
}

// Invalid indexes of the build's table that an earlier attempt left: (schema, name) rows.
Result find_for(Connection& connection, const ConcurrentBuild& build) {
  const std::string select =
      "SELECT n.nspname, c.relname FROM pg_index i "
      "JOIN pg_class c ON c.oid = i.indexrelid "
      "JOIN pg_namespace n ON n.oid = c.relnamespace "
      "WHERE NOT i.indisvalid "
      "AND NOT EXISTS (SELECT 1 FROM pg_stat_progress_create_index p "
      "                WHERE p.relid = i.indrelid AND (p.index_relid = i.indexrelid OR "
      "                  (p.index_relid = 0 AND p.command LIKE '%CONCURRENTLY'))) ";
  std::string target = qualified(connection, build);
  switch (build.kind) {
    case ConcurrentBuild::Kind::kCreateIndex:
      return connection.exec_params(
          select + "AND i.indrelid = to_regclass($1) AND c.relname = $2", {target, build.index});
    case ConcurrentBuild::Kind::kReindexIndex:
      return connection.exec_params(
          select +
              "AND i.indrelid = (SELECT indrelid FROM pg_index WHERE indexrelid = to_regclass($1)) "
              "AND (starts_with(c.relname, $2 || '_ccnew') OR starts_with(c.relname, $2 || '_ccold'))",
          {target, build.relation});
    case ConcurrentBuild::Kind::kReindexTable:
      return connection.exec_params(
          select + "AND i.indrelid = to_regclass($1) "
                   "AND (strpos(c.relname, '_ccnew') > 0 OR strpos(c.relname, '_ccold') > 0)",
          {target});
  }
  return connection.exec("SELECT NULL WHERE false");
}

const char* origin_of(const std::string& index_name) {
  bool reindex = index_name.find("_ccnew") != std::string::npos ||
                 index_name.find("_ccold") != std::string::npos;
  return reindex ? "REINDEX CONCURRENTLY" : "CREATE INDEX CONCURRENTLY";
}

}  // namespace

std::vector<std::string> drop_leftovers(Connection& connection, const ConcurrentBuild& build) {
  if (build.kind == ConcurrentBuild::Kind::kCreateIndex && build.index.empty()) return {};
  Result found = find_for(connection, build);
  const char* drop = connection.in_transaction() ? "DROP INDEX IF EXISTS "
                                                 : "DROP INDEX CONCURRENTLY IF EXISTS ";
  std::vector<std::string> lines;
  const auto& pq = libpq();
  for (int i = 0; i < pq.PQntuples(found.get()); ++i) {
    std::string schema = text_at(found, i, 0);
    std::string name = text_at(found, i, 1);
    connection.exec(drop + connection.identifier(schema) + "." + connection.identifier(name));
    lines.push_back("dropped INVALID index " + schema + "." + name + " left by an interrupted " +
                    origin_of(name));
  }
  return lines;
}

std::vector<std::string> list_invalid_indexes(Connection& connection) {
  Result found = connection.exec(
      "SELECT n.nspname, c.relname FROM pg_index i "
      "JOIN pg_class c ON c.oid = i.indexrelid "
      "JOIN pg_namespace n ON n.oid = c.relnamespace "
      "WHERE NOT i.indisvalid "
      "  AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
      "  AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%' "
      "  AND NOT EXISTS (SELECT 1 FROM pg_stat_progress_create_index p "
      "                  WHERE p.index_relid = i.indexrelid) "
      "ORDER BY n.nspname, c.relname");
  std::vector<std::string> lines;
  const auto& pq = libpq();
  for (int i = 0; i < pq.PQntuples(found.get()); ++i) {
    std::string name = text_at(found, i, 1);
    lines.push_back("index " + text_at(found, i, 0) + "." + name + " (INVALID: left by an " +
                    "interrupted " + origin_of(name) + ")");
  }
  return lines;
}

}  // namespace trellis::pg
