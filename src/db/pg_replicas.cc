// pg_replicas.cc — the primary's WAL position and its streaming replicas' replay, from
// pg_stat_replication (for `apply --wait-replicas`); the primary's load, from
// pg_stat_activity (a backfill's max_active_queries).
#include "db/libpq_api.h"
#include "db/pg_backend.h"
#include "trellis/error.h"

namespace trellis::pg {

std::string PgDialect::wal_position() {
  Result r = s_.connection.exec(
      "SELECT CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_current_wal_lsn()::text END");
  if (libpq().PQgetisnull(r.get(), 0, 0)) {
    throw Error(ErrorKind::kConfig, s_.connection.target() + " is a standby (in recovery): it has no replicas to wait for",
                "give the primary's URL");
  }
  return text_at(r, 0, 0);
}

std::vector<ReplicaPosition> PgDialect::replicas(const std::string& position) {
  Result r = s_.connection.exec_params(
      "SELECT coalesce(nullif(application_name, ''), 'replica ' || pid) || ' (' || "
      "coalesce(host(client_addr), 'local socket') || ')', "
      "pg_wal_lsn_diff($1::pg_lsn, replay_lsn)::bigint, coalesce(replay_lag::text, ''), "
      "extract(epoch FROM replay_lag)::float8, pg_wal_lsn_diff(replay_lsn, '0/0')::bigint "
      "FROM pg_stat_replication WHERE state <> 'backup' ORDER BY 1",  // not a pg_basebackup's sender
      {position});
  std::vector<ReplicaPosition> out;
  for (int i = 0; i < libpq().PQntuples(r.get()); ++i) {
    ReplicaPosition p;
    p.name = text_at(r, i, 0);
    if (!libpq().PQgetisnull(r.get(), i, 1)) p.bytes_behind = std::stoll(text_at(r, i, 1));
    p.replay_lag = text_at(r, i, 2);
    if (!libpq().PQgetisnull(r.get(), i, 3)) p.lag_seconds = std::stod(text_at(r, i, 3));
    if (!libpq().PQgetisnull(r.get(), i, 4)) p.replay_lsn = std::stoull(text_at(r, i, 4));
    out.push_back(std::move(p));
  }
  return out;
}

std::optional<int> PgDialect::active_queries() {
  // Other roles' sessions show a NULL state unless the role may read all statistics: then
  // the count would be silently low, so it is -1 (unknown) instead.
  Result r = s_.connection.exec(
      "SELECT CASE WHEN pg_has_role(current_user, 'pg_read_all_stats', 'MEMBER') "
      "OR (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN "
      "(SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND datname = current_database() "
      "AND pid <> pg_backend_pid() AND backend_type = 'client backend') END");
  if (libpq().PQgetisnull(r.get(), 0, 0)) return -1;
  return std::stoi(text_at(r, 0, 0));
}

}  // namespace trellis::pg
