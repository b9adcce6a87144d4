// backfill_progress_test.cc — the backfill progress line fits the terminal (issue 15):
// fields go in a fixed order, then the id is shortened; one batch is "1 batch".
#include "cli/backfill_progress.h"

#include <gtest/gtest.h>

namespace trellis::cli {
namespace {

BackfillProgress running() {
  BackfillProgress p;
  p.rows_done = 120000;
  p.batches = 12;
  p.rows_remaining = 880000;
  p.rows_per_second = 31000;
  return p;
}

const std::string kId = "billing/0042_backfill_invoice_totals_from_lines";

TEST(BackfillProgressLine, WideTerminalShowsEverything) {
  std::string line = progress_text(kId, running(), 200);
  for (const char* part : {"billing/0042_backfill_invoice_totals_from_lines", "[##", "12% ", "120,000 rows",
                           "12 batches", "31,000 rows/s", "~880,000 left", "ETA 0:28"}) {
    EXPECT_NE(line.find(part), std::string::npos) << part << " in: " << line;
  }
  EXPECT_EQ(line, progress_text(kId, running()));  // width 0: unknown, nothing dropped
}

TEST(BackfillProgressLine, FitsEightyAndFortyColumnsDroppingFieldsInOrder) {
  std::string at80 = progress_text(kId, running(), 80);
  EXPECT_LE(at80.size(), 79u) << at80;
  EXPECT_EQ(at80.find('['), std::string::npos) << "the bar goes first: " << at80;
  EXPECT_NE(at80.find(kId), std::string::npos) << "the id is kept whole while it fits: " << at80;
  EXPECT_NE(at80.find("ETA 0:28"), std::string::npos) << at80;
  EXPECT_NE(at80.find("120,000 rows"), std::string::npos) << at80;
  std::string at40 = progress_text(kId, running(), 40);
  EXPECT_LE(at40.size(), 39u) << at40;
  EXPECT_NE(at40.find("120,000 rows"), std::string::npos) << at40;
  EXPECT_NE(at40.find("ETA 0:28"), std::string::npos) << at40;
  EXPECT_NE(at40.find("..."), std::string::npos) << "the id shortened last: " << at40;
  EXPECT_EQ(at40.find("batches"), std::string::npos) << at40;
}

TEST(BackfillProgressLine, OneBatchIsSingular) {
  BackfillProgress p;
  p.rows_done = 40;
  p.batches = 1;
  p.finished = true;
  std::string line = progress_text("core/0002_fill", p, 120);
  EXPECT_NE(line.find("1 batch "), std::string::npos) << line;
  EXPECT_EQ(line.find("1 batches"), std::string::npos) << line;
  EXPECT_NE(line.find("done"), std::string::npos) << line;
}

}  // namespace
}  // namespace trellis::cli
