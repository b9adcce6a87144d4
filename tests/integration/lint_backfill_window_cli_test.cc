// backfill-window end to end: the wrong windows lint flags really miss or repeat rows when
// the runner walks a real table, and the runner's own window changes every row once.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "backfill_project.h"

namespace trellis_test {
namespace {

void write_table(const BackfillProject& p) {
  p.write("migrations/core/0001_orders.sql",
          "-- +up\nCREATE TABLE orders (id INTEGER PRIMARY KEY, n INTEGER NOT NULL DEFAULT 0);\n"
          "INSERT INTO orders (id) VALUES (1), (2), (3), (4), (5), (6), (7), (8), (9), (10);\n");
}

void write_fill(const BackfillProject& p, const std::string& where) {
  p.write("migrations/core/0002_fill.sql",
          "-- phase: backfill\n-- batch: table=orders key=id size=3\n-- +up\nUPDATE orders SET n = n + 1\n WHERE " + where +
              ";\n");
}

struct Case {
  const char* where;
  const char* counts;  // n per row after the backfill, ids 1..10
  const char* says;    // in lint's message
};

TEST(LintBackfillWindowCli, FlaggedWindowsMissOrRepeatRowsOnARealTable) {
  const Case cases[] = {
      {"id > :lo AND id <= :hi", "1,1,1,1,1,1,1,1,1,1", nullptr},
      {"id >= :lo AND id < :hi", "1,1,1,1,1,1,1,1,1,0", "is never changed"},
      {"id > :lo AND id < :hi", "1,1,0,1,1,0,1,1,0,0", "one row per batch is never changed"},
      {"id >= :lo AND id <= :hi", "1,1,2,1,1,2,1,1,2,1", "changed twice"},
      {"id > :lo", "1,1,1,2,2,2,3,3,3,4", "no upper bound"},
  };
  for (const auto& c : cases) {
    BackfillProject p;
    write_table(p);
    write_fill(p, c.where);
    RunResult lint = p.run({"lint", "--format", "json"});
    auto doc = nlohmann::json::parse(lint.out);
    bool flagged = false;
    for (const auto& f : doc["findings"]) {
      if (f.value("rule", "") != "backfill-window") continue;
      flagged = true;
      EXPECT_EQ(f.value("file", ""), "migrations/core/0002_fill.sql");
      EXPECT_EQ(f.value("line", 0), 5) << f.dump();
      if (c.says) {
        EXPECT_NE(f.value("message", "").find(c.says), std::string::npos) << f.dump();
      }
    }
    EXPECT_EQ(flagged, c.says != nullptr) << c.where << "\n" << lint.out;
    EXPECT_EQ(lint.exit_code, c.says ? 1 : 0) << c.where << "\n" << lint.out << lint.err;
    RunResult text = p.run({"lint"});
    if (c.says) {
      EXPECT_NE(text.out.find("migrations/core/0002_fill.sql:5:"), std::string::npos) << text.out;
    }

    RunResult apply = p.run({"apply"});
    ASSERT_EQ(apply.exit_code, 0) << apply.describe();
    EXPECT_EQ(p.sql1("SELECT group_concat(n, ',') FROM (SELECT n FROM orders ORDER BY id)"), c.counts) << c.where;
  }
}

}  // namespace
}  // namespace trellis_test
