// The one description of trellis' tables: every statement generated from it writes every
// column, on both backends (the offline PostgreSQL upsert once left `feature` unchanged).
#include "db/state_sql.h"

#include <gtest/gtest.h>

#include "db/drivers.h"

namespace trellis {
namespace {

StateRow row(const std::string& feature, int done) {
  StateRow r;
  r.id = "billing/0001_init";
  r.feature = feature;
  r.checksum = "c" + std::to_string(done);
  r.phase = "expand";
  r.status = done == 0 ? RecordStatus::kRunning : RecordStatus::kApplied;
  r.started_at = "2026-12-02T06:00:0" + std::to_string(done) + ".000Z";
  r.finished_at = done == 0 ? "" : "2026-12-02T06:00:09.000Z";
  r.duration_ms = done * 10;
  r.applied_by = "ci@host";
  r.tool_version = "0.1.0";
  r.statements_done = done;
  return r;
}

HistoryEvent event(const std::string& action) {
  HistoryEvent e;
  e.id = "billing/0001_init";
  e.action = action;
  e.at = "2026-12-02T06:00:00.000Z";
  e.by = "ci@host";
  e.tool_version = "0.1.0";
  return e;
}

TEST(StateSql, OfflineUpsertOnSqliteOverwritesEveryColumn) {
  auto db = make_sqlite_driver(":memory:", OpenMode::kReadWrite);
  db->connection().execute(Statement{db->state().render_ddl(), 1, 1, {}});
  db->connection().execute(Statement{render_state_sql(row("old", 0), event("start"), StateSqlDialect::kSqlite, ""), 1, 1, {}});
  StateRow second = row("new", 3);
  db->connection().execute(Statement{render_state_sql(second, event("apply"), StateSqlDialect::kSqlite, ""), 1, 1, {}});
  auto rows = db->state().load_rows();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].feature, "new");
  EXPECT_EQ(rows[0].checksum, second.checksum);
  EXPECT_EQ(rows[0].status, RecordStatus::kApplied);
  EXPECT_EQ(rows[0].started_at, second.started_at);
  EXPECT_EQ(rows[0].finished_at, second.finished_at);
  EXPECT_EQ(rows[0].statements_done, 3);
  EXPECT_EQ(db->state().load_history().size(), 2u);
}

TEST(StateSql, EveryUpsertSetsEveryColumnButTheKey) {
  const std::string columns = migration_columns();
  std::vector<std::string> names;
  for (std::size_t at = 0; at < columns.size();) {
    std::size_t comma = columns.find(", ", at);
    names.push_back(columns.substr(at, comma == std::string::npos ? std::string::npos : comma - at));
    at = comma == std::string::npos ? columns.size() : comma + 2;
  }
  ASSERT_EQ(names.front(), "id");
  ASSERT_EQ(names.size(), 12u);
  std::vector<std::pair<std::string, std::string>> upserts = {
      {"offline postgres", render_state_sql(row("f", 1), event("apply"), StateSqlDialect::kPostgres, "trellis")},
      {"offline sqlite", render_state_sql(row("f", 1), event("apply"), StateSqlDialect::kSqlite, "")},
      {"sqlite", sqlite_upsert_sql(false)},
      {"sqlite guarded", sqlite_upsert_sql(true)},
  };
  for (const auto& [what, sql] : upserts) {
    for (std::size_t i = 1; i < names.size(); ++i) {
      EXPECT_NE(sql.find(names[i] + " = "), std::string::npos) << what << " does not set " << names[i];
    }
    EXPECT_EQ(sql.find("id = "), std::string::npos) << what << " sets the key";
  }
}

}  // namespace
}  // namespace trellis
