// The SQLite backend's Connection: a statement timeout belongs to the statement it was
// armed for; a later query on the same connection runs without it.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "db/drivers.h"
#include "trellis/error.h"

namespace trellis {
namespace {

// Enough virtual-machine steps for SQLite's progress handler (every 10,000) to look.
const char* kLongQuery =
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 200000) SELECT count(*) FROM c";

TEST(SqliteConnection, AStatementTimeoutDoesNotOutliveItsStatement) {
  auto db = make_sqlite_driver(":memory:", OpenMode::kReadWrite);
  Timeouts t;
  t.statement_timeout = Millis{20};
  db->connection().set_session_timeouts(t);
  db->connection().execute(Statement{"CREATE TABLE k (id integer)", 1, 1, {}});
  std::this_thread::sleep_for(std::chrono::milliseconds(40));  // past that statement's deadline
  EXPECT_EQ(db->connection().query_scalar(kLongQuery), "200000");
}

TEST(SqliteConnection, AStatementTimeoutStillStopsItsOwnStatement) {
  auto db = make_sqlite_driver(":memory:", OpenMode::kReadWrite);
  Timeouts t;
  t.statement_timeout = Millis{1};
  db->connection().set_session_timeouts(t);
  std::string endless =
      "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c";
  try {
    db->connection().execute(Statement{endless, 1, 1, {}});
    FAIL() << "ran to the end";
  } catch (const SqlError& e) {
    EXPECT_NE(std::string(e.what()).find("statement timeout"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace trellis
