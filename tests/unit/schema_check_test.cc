#include "trellis/schema_check.h"

#include <gtest/gtest.h>

#include "db/drivers.h"

namespace trellis {
namespace {

TEST(SchemaCheck, ReportsMissingByFullOrShortId) {
  auto db = make_sqlite_driver(":memory:", OpenMode::kReadWrite);
  EXPECT_EQ(missing_migrations(*db, {"core/0001_users"}), std::vector<std::string>{"core/0001_users"});
  db->state().ensure();
  StateRow applied;
  applied.id = "core/0001_users";
  applied.feature = "core";
  applied.checksum = "x";
  applied.phase = "expand";
  applied.started_at = "2026-01-01T00:00:00Z";
  db->state().record(applied, HistoryEvent{});
  StateRow failed = applied;
  failed.id = "billing/0002_invoices";
  failed.status = RecordStatus::kFailed;
  db->state().record(failed, HistoryEvent{});
  EXPECT_TRUE(missing_migrations(*db, {"core/0001_users", "core/0001", "core/1"}).empty());
  EXPECT_EQ(missing_migrations(*db, {"billing/0002", "core/0001_other"}),
            (std::vector<std::string>{"billing/0002", "core/0001_other"}));
}

}  // namespace
}  // namespace trellis
