// pg_dialect.cc — the PostgreSQL backend's Dialect and Catalog.
#include "db/libpq_api.h"
#include "db/pg_backend.h"
#include "db/pg_leftovers.h"
#include "db/pg_outside.h"
#include "db/pg_schema.h"
#include "sql/pg_named_params.h"
#include "sql/pg_split.h"
#include "sql/pg_traits.h"

namespace trellis::pg {

// Backfill bodies use :lo/:hi/:size, which the parser rejects: split a copy with "$1"
// in their place (same length) and cut the statements out of the original text.
std::vector<Statement> PgDialect::split(std::string_view sql, int first_line) {
  std::string masked = mask_named_params(sql);
  if (masked == sql) return split_statements(sql, first_line);
  auto statements = split_statements(masked, first_line);
  auto params = find_named_params(sql);
  std::size_t cursor = 0;
  for (auto& st : statements) {
    std::size_t at = masked.find(st.sql, cursor);
    if (at == std::string::npos) continue;
    std::size_t end = at + st.sql.size();
    for (const auto& p : params) {  // the split trimmed the padding of a trailing "$1  "
      if (p.offset < end && end < p.offset + p.length) end = p.offset + p.length;
    }
    st.sql = std::string(sql.substr(at, end - at));
    cursor = end;
  }
  return statements;
}

StatementTraits PgDialect::traits(const Statement& statement) {
  return statement_traits(statement.sql, s_.connection.server_version());
}

// A statement outside a transaction cannot be fenced: check the lease just before it,
// so a runner that stalled past its lease does not build or drop anything.
OutsideVerdict PgDialect::before_outside(const Statement& statement, bool may_have_run) {
  std::string fence = s_.lease.fence_sql();
  if (!fence.empty()) s_.write("its next statement", fence);
  return judge_outside(s_.connection, statement.sql, may_have_run);
}

std::vector<std::string> PgDialect::find_leftovers() { return list_invalid_indexes(s_.connection); }

std::string PgDialect::render_begin(const Timeouts& timeouts) const {
  return begin_sql(s_.lease.held(), timeouts);
}

std::string PgDialect::render_session_timeouts(const Timeouts& timeouts) const {
  return timeout_settings(timeouts, "SET");
}

std::string PgDialect::render_session_reset(const Timeouts& timeouts) const {
  std::string sql = timeouts.lock_timeout ? "RESET lock_timeout;" : "";
  if (timeouts.statement_timeout) sql += std::string(sql.empty() ? "" : " ") + "RESET statement_timeout;";
  return sql;
}

// pg_class.reltuples: -1 for a table never vacuumed or analysed (PostgreSQL 14 on).
std::optional<std::int64_t> PgDialect::estimated_rows(const std::string& table) {
  Result r = s_.connection.exec_params(
      "SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass($1)", {table});
  if (libpq().PQntuples(r.get()) == 0 || libpq().PQgetisnull(r.get(), 0, 0)) return std::nullopt;
  std::int64_t n = std::stoll(text_at(r, 0, 0));
  if (n < 0) return std::nullopt;
  return n;
}

SchemaModel PgDialect::read_schema() {
  Session session(s_);
  return read_pg_schema(session, s_.schema, s_.connection.in_transaction());
}

}  // namespace trellis::pg
