// pg_statement.h — what the runner reads from one PostgreSQL statement's parse tree
// (libpg_query): the index a concurrent build makes, and the CONCURRENTLY option.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace trellis::pg {

// What a statement would build concurrently, read from its parse tree.
struct ConcurrentBuild {
  enum class Kind { kCreateIndex, kReindexIndex, kReindexTable };
  Kind kind = Kind::kCreateIndex;
  std::string index;   // CREATE INDEX: the index name (empty when the statement names none)
  std::string schema;  // as written; empty when unqualified
  std::string relation;  // the table (CREATE INDEX, REINDEX TABLE) or index (REINDEX INDEX)
};

// The parse tree of `sql`'s one statement ({"IndexStmt": {…}}), or nullopt when it does
// not parse or holds several.
std::optional<nlohmann::json> first_statement(const std::string& sql);
// Whether a ReindexStmt's options say CONCURRENTLY.
bool has_concurrently_option(const nlohmann::json& reindex);

// Parses `sql` with libpg_query; nullopt unless it is CREATE INDEX CONCURRENTLY or
// REINDEX (INDEX|TABLE) CONCURRENTLY.
std::optional<ConcurrentBuild> concurrent_build_of(const std::string& sql);

}  // namespace trellis::pg
