// repair and forget on batched backfills (issue 13), on SQLite through the real binary:
// `forget` removes the backfill's checkpoint with its row, so the next apply starts it
// over instead of resuming batches the operator undid; `repair` leaves a paused backfill
// alone (paused is not a failure), with its file or without, and says how to continue;
// a failed backfill whose file changed is cleared with its checkpoint, so apply starts it
// over with the new file instead of refusing the checksum.
#include <gtest/gtest.h>

#include "backfill_project.h"

namespace trellis_test {
namespace {

using namespace std::chrono_literals;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

const char* kRangeBody = "UPDATE items SET n = n + 1 WHERE id > :lo AND id <= :hi;";

std::string fill_file(const std::string& batch) {
  return "-- phase: backfill\n-- batch: " + batch + "\n\n-- +up\n" + kRangeBody + "\n\n-- +down\nUPDATE items SET n = 0;\n";
}

// items(id 1..rows, n = 0), the backfill, a dependent; `extra` runs after the table.
void write_feature(const BackfillProject& p, int rows, const std::string& batch, const std::string& extra = "") {
  p.write("migrations/data/0001_items.sql",
          "-- +up\nCREATE TABLE items (id INTEGER PRIMARY KEY, n INTEGER NOT NULL DEFAULT 0);\n"
          "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < " +
              std::to_string(rows) + ") INSERT INTO items (id) SELECT x FROM c;\n" + extra +
              "-- +down\nDROP TABLE items;\n");
  p.write("migrations/data/0002_fill.sql", fill_file(batch));
  p.write("migrations/data/0003_after.sql", "-- +up\nCREATE INDEX ix_items_n ON items (n);\n-- +down\nDROP INDEX ix_items_n;\n");
}

const char* kBadRow = "CREATE TRIGGER bad_row BEFORE UPDATE ON items WHEN NEW.id = 555 "
                      "BEGIN SELECT RAISE(ABORT, 'row 555 is bad'); END;\n";

std::int64_t batches_done(const BackfillProject& p) {
  try {
    std::string v = p.sql1("SELECT batches FROM trellis_backfills WHERE id = 'data/0002_fill'");
    return v.empty() ? 0 : std::stoll(v);
  } catch (const std::exception&) {
    return 0;  // tables not created yet
  }
}

TEST(RepairBackfill, ForgetRemovesTheCheckpointSoApplyStartsOver) {
  BackfillProject p;
  write_feature(p, 1000, "table=items key=id size=100", kBadRow);
  ASSERT_EQ(p.run({"apply"}).exit_code, 1);
  ASSERT_EQ(p.sql1("SELECT status, rows_done, batches FROM trellis_backfills"), "failed|500|5");
  // The operator undoes the 500 rows by hand and forgets the migration.
  p.exec("DROP TRIGGER bad_row; UPDATE items SET n = 0;");
  RunResult dry = p.run({"forget", "data/0002_fill", "--dry-run"});
  ASSERT_EQ(dry.exit_code, 0) << dry.describe();
  EXPECT_TRUE(contains(dry.out, "and data/0002_fill's backfill checkpoint (5 batch(es), 500 row(s), failed)")) << dry.out;
  EXPECT_EQ(p.sql1("SELECT count(*) FROM trellis_backfills"), "1");
  RunResult forget = p.run({"forget", "data/0002_fill", "--yes"});
  ASSERT_EQ(forget.exit_code, 0) << forget.describe();
  EXPECT_EQ(p.sql1("SELECT count(*) FROM trellis_backfills"), "0");
  EXPECT_EQ(p.sql1("SELECT count(*) FROM trellis_migrations WHERE id = 'data/0002_fill'"), "0");
  EXPECT_EQ(p.sql1("SELECT count(*) FROM trellis_history WHERE id = 'data/0002_fill' AND action = 'forget'"), "1");

  ASSERT_EQ(p.run({"apply"}).exit_code, 0);
  EXPECT_EQ(p.sql1("SELECT count(*) FROM items WHERE n = 1"), "1000");  // from the first batch, once each
  EXPECT_EQ(p.sql1("SELECT status, rows_done, batches FROM trellis_backfills"), "done|1000|10");
}

TEST(RepairBackfill, RepairLeavesAPausedBackfillWithOrWithoutItsFile) {
  BackfillProject p;
  write_feature(p, 2000, "table=items key=id size=50 pause=30ms");
  auto runner = p.start({"apply"});
  ASSERT_TRUE(eventually([&] { return batches_done(p) >= 3; }, 20s));
  ASSERT_EQ(p.run({"backfill", "pause", "data/0002_fill"}).exit_code, 0);
  EXPECT_EQ(runner->finish().exit_code, 1);
  std::string at_pause = p.sql1("SELECT status, rows_done, batches FROM trellis_backfills");
  ASSERT_EQ(at_pause.substr(0, 7), "paused|");
  std::string row = p.sql1("SELECT status FROM trellis_migrations WHERE id = 'data/0002_fill'");

  RunResult repair = p.run({"repair", "--yes"});
  ASSERT_EQ(repair.exit_code, 0) << repair.describe();
  EXPECT_TRUE(contains(repair.out, "Nothing to repair")) << repair.out;
  EXPECT_TRUE(contains(repair.out, "data/0002_fill is a backfill paused after")) << repair.out;
  EXPECT_TRUE(contains(repair.out, "'trellis backfill resume data/0002_fill' continues it")) << repair.out;
  EXPECT_FALSE(contains(repair.out, "was interrupted")) << repair.out;

  // Its file gone (a branch switched): still not repaired away.
  p.remove("migrations/data/0002_fill.sql");
  p.remove("migrations/data/0003_after.sql");
  repair = p.run({"repair", "--yes"});
  ASSERT_EQ(repair.exit_code, 0) << repair.describe();
  EXPECT_TRUE(contains(repair.out, "its file is gone; restore it")) << repair.out;
  EXPECT_EQ(p.sql1("SELECT status FROM trellis_migrations WHERE id = 'data/0002_fill'"), row);
  EXPECT_EQ(p.sql1("SELECT status, rows_done, batches FROM trellis_backfills"), at_pause);

  p.write("migrations/data/0002_fill.sql", fill_file("table=items key=id size=50 pause=30ms"));
  ASSERT_EQ(p.run({"backfill", "resume", "data/0002_fill"}).exit_code, 0);
  EXPECT_EQ(p.sql1("SELECT count(*) FROM items WHERE n = 1"), "2000");
}

TEST(RepairBackfill, AFailedBackfillWhoseFileChangedIsClearedWithItsCheckpoint) {
  BackfillProject p;
  write_feature(p, 1000, "table=items key=id size=100", kBadRow);
  ASSERT_EQ(p.run({"apply"}).exit_code, 1);
  p.exec("DROP TRIGGER bad_row; UPDATE items SET n = 0;");
  p.write("migrations/data/0002_fill.sql", "-- phase: backfill\n-- batch: table=items key=id size=100\n\n-- +up\n"
                                           "UPDATE items SET n = 7 WHERE id > :lo AND id <= :hi;\n");
  RunResult refused = p.run({"apply"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_TRUE(contains(refused.err, "ran 5 batch(es) with checksum")) << refused.describe();

  RunResult repair = p.run({"repair", "--yes"});
  ASSERT_EQ(repair.exit_code, 0) << repair.describe();
  EXPECT_TRUE(contains(repair.out, "with its backfill checkpoint (5 batch(es), 500")) << repair.out;
  EXPECT_EQ(p.sql1("SELECT count(*) FROM trellis_backfills"), "0");
  ASSERT_EQ(p.run({"apply"}).exit_code, 0);
  EXPECT_EQ(p.sql1("SELECT count(*) FROM items WHERE n = 7"), "1000");
}

TEST(RepairBackfill, AFailedBackfillOfTheSameFileKeepsItsCheckpoint) {
  BackfillProject p;
  write_feature(p, 1000, "table=items key=id size=100", kBadRow);
  ASSERT_EQ(p.run({"apply"}).exit_code, 1);
  p.exec("DROP TRIGGER bad_row;");
  ASSERT_EQ(p.run({"repair", "--yes"}).exit_code, 0);
  EXPECT_EQ(p.sql1("SELECT status, batches FROM trellis_backfills"), "failed|5");
  ASSERT_EQ(p.run({"apply"}).exit_code, 0);
  EXPECT_EQ(p.sql1("SELECT count(*) FROM items WHERE n = 1"), "1000");  // resumed after batch 5
}

}  // namespace
}  // namespace trellis_test
