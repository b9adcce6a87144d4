// backfill-window (issue 16 §4): a range backfill's batch i covers `key > :lo AND key <=
// :hi`; a body whose WHERE is another window misses rows or changes some twice. Decided
// from the parse tree; the bodies `new --pattern` writes pass.
#include <gtest/gtest.h>

#include <algorithm>

#include "lint_test_util.h"
#include "project/batch_spec.h"
#include "project/migration_parser.h"
#include "trellis/patterns.h"

namespace trellis {
namespace {

using testing::finding;
using testing::has_rule;
using testing::migration;

Migration backfill(const std::string& sql, const std::string& batch = "table=orders key=id size=1000") {
  Migration m = migration("core/0002_fill", sql, Phase::kBackfill);
  std::string problem;
  m.batch = parse_batch_spec(batch, problem);
  EXPECT_TRUE(m.batch.has_value()) << problem;
  return m;
}

LintReport lint_body(const std::string& sql, const std::string& batch = "table=orders key=id size=1000") {
  return lint({backfill(sql, batch)}, {});
}

std::string message(const std::string& sql, const std::string& batch = "table=orders key=id size=1000") {
  LintReport r = lint_body(sql, batch);
  const LintFinding* f = finding(r, "backfill-window");
  return f ? f->message : "";
}

TEST(LintBackfillWindow, TheRunnersWindowPassesWrittenAnyWay) {
  for (const char* sql : {"UPDATE orders SET n = 0 WHERE id > :lo AND id <= :hi;",
                          "UPDATE orders SET n = 0 WHERE n IS NULL AND id <= :hi AND id > :lo;",
                          "UPDATE orders SET n = 0 WHERE :lo < id AND :hi >= id;",
                          "UPDATE orders o SET n = 0 WHERE o.id > :lo::bigint AND o.id <= :hi::bigint AND (o.n IS NULL OR o.n < 0);",
                          "UPDATE orders SET n = c.n FROM customers c WHERE orders.id > :lo AND orders.id <= :hi AND c.id = orders.customer_id;",
                          "DELETE FROM orders WHERE id > :lo AND id <= :hi AND deleted;",
                          "INSERT INTO archive SELECT * FROM orders WHERE id > :lo AND id <= :hi;",
                          "UPDATE orders SET n = 0 WHERE ID > :lo AND ID <= :hi;",
                          // The window in a CTE or a subquery that picks the rows.
                          "WITH b AS (SELECT id FROM orders WHERE id > :lo AND id <= :hi FOR UPDATE) UPDATE orders SET n = 0 FROM b WHERE orders.id = b.id;",
                          "DELETE FROM orders WHERE id IN (SELECT id FROM orders WHERE id > :lo AND id <= :hi AND old);"}) {
    LintReport r = lint_body(sql);
    EXPECT_FALSE(has_rule(r, "backfill-window")) << sql << "\n" << format_report(r, LintFormat::kText);
  }
  // until-empty bodies have no window.
  EXPECT_FALSE(has_rule(lint_body("DELETE FROM orders WHERE id IN (SELECT id FROM orders WHERE old LIMIT :size);",
                                  "until-empty size=100"),
                        "backfill-window"));
}

TEST(LintBackfillWindow, HalfOpenTheOtherWaySkipsRows) {
  LintReport r = lint_body("-- the last row of each batch\nUPDATE orders SET n = 0 WHERE id >= :lo AND id < :hi;");
  const LintFinding* f = finding(r, "backfill-window");
  ASSERT_NE(f, nullptr) << format_report(r, LintFormat::kText);
  EXPECT_EQ(f->severity, Severity::kError);
  EXPECT_EQ(f->line, 3);  // the body's first line is 2; the bound is on the statement's line
  EXPECT_NE(f->message.find("makes every batch [lo, hi) instead of (lo, hi]: the row at the walk's last :hi is never changed"),
            std::string::npos)
      << f->message;
  EXPECT_NE(message("UPDATE orders SET n = 0 WHERE id > :lo AND id < :hi;").find("one row per batch is never changed"),
            std::string::npos);
  EXPECT_NE(f->hint.find("WHERE id > :lo AND id <= :hi"), std::string::npos) << f->hint;
}

TEST(LintBackfillWindow, ClosedAtBothEndsOrBetweenTouchesBoundaryRowsTwice) {
  EXPECT_NE(message("UPDATE orders SET n = 0 WHERE id >= :lo AND id <= :hi;").find("changed twice"), std::string::npos);
  std::string between = message("UPDATE orders SET n = 0 WHERE id BETWEEN :lo AND :hi;");
  EXPECT_NE(between.find("`id BETWEEN :lo AND :hi` (`id >= :lo`) includes the row at :lo"), std::string::npos) << between;
  EXPECT_EQ(between.find("<= :hi`"), std::string::npos) << between;  // that side is right
}

TEST(LintBackfillWindow, AMissingBoundOrNoWindowAtAll) {
  EXPECT_NE(message("UPDATE orders SET n = 0 WHERE id <= :hi;").find("no lower bound `id > :lo`"), std::string::npos);
  EXPECT_NE(message("UPDATE orders SET n = 0 WHERE id > :lo AND n IS NULL;").find("no upper bound `id <= :hi`"),
            std::string::npos);
  EXPECT_NE(message("UPDATE orders SET n = 0 WHERE n IS NULL;").find("uses neither :lo nor :hi"), std::string::npos);
  EXPECT_NE(message("UPDATE orders SET n = 0;").find("uses neither :lo nor :hi"), std::string::npos);
  EXPECT_NE(message("WITH b AS (SELECT id FROM orders WHERE id >= :lo AND id <= :hi) UPDATE orders SET n = 0 FROM b WHERE orders.id = b.id;")
                .find("changed twice"),
            std::string::npos);
  // Under OR the window does not bound the rows.
  EXPECT_NE(message("UPDATE orders SET n = 0 WHERE (id > :lo AND id <= :hi) OR n IS NULL;").find("under OR"),
            std::string::npos);
}

TEST(LintBackfillWindow, BoundsOnAnotherColumnOrTable) {
  std::string other = message("UPDATE orders SET n = 0 WHERE created > :lo AND created <= :hi;");
  EXPECT_NE(other.find("bounds created, but the runner computes :lo and :hi from the batch key id"), std::string::npos)
      << other;
  EXPECT_EQ(other.find("no lower bound"), std::string::npos) << other;
  std::string joined = message(
      "UPDATE orders SET n = c.n FROM customers c WHERE c.id > :lo AND c.id <= :hi AND c.id = orders.customer_id;");
  EXPECT_NE(joined.find("bounds c.id"), std::string::npos) << joined;
  // The key named by the batch, not "id".
  EXPECT_FALSE(has_rule(lint_body("UPDATE orders SET n = 0 WHERE code > :lo AND code <= :hi;",
                                  "table=orders key=code size=10"),
                        "backfill-window"));
  EXPECT_TRUE(has_rule(lint_body("UPDATE orders SET n = 0 WHERE id > :lo AND id <= :hi;", "table=orders key=code size=10"),
                       "backfill-window"));
}

TEST(LintBackfillWindow, EachStatementOfTheBodyIsJudged) {
  LintReport r = lint_body(
      "UPDATE orders SET n = 0 WHERE id > :lo AND id <= :hi;\n"
      "UPDATE orders SET m = 0 WHERE id > :lo AND id < :hi;\n"
      "SELECT pg_sleep(0);");
  ASSERT_TRUE(has_rule(r, "backfill-window"));
  EXPECT_EQ(finding(r, "backfill-window")->line, 3);
  std::vector<std::string> rules = testing::rules_of(r);
  EXPECT_EQ(std::count(rules.begin(), rules.end(), "backfill-window"), 1);
}

TEST(LintBackfillWindow, AColonInAStringOrCommentIsNoParameter) {
  EXPECT_FALSE(has_rule(lint_body("UPDATE orders SET note = ':lo' WHERE id > :lo AND id <= :hi; -- id < :hi"),
                        "backfill-window"));
}

TEST(LintBackfillWindow, ScaffoldedBackfillsPass) {
  int backfills = 0;
  for (const auto& name : pattern_names()) {
    PatternOptions o;
    o.pattern = name;
    o.table = "orders";
    o.column = "status";
    o.type = "text";
    o.default_expr = "'new'";
    o.ref_table = "customers";
    o.ref_column = "id";
    o.new_name = "state";
    o.batch_size = 500;
    std::vector<Migration> ms;
    int n = 0;
    for (const auto& f : render_pattern(o)) {
      Migration m;
      m.id = "core/000" + std::to_string(++n) + "_" + f.slug;
      m.feature = "core";
      m.path = "migrations/" + m.id + ".sql";
      m.checksum = "sum-" + m.id + name;
      Diagnostics diag;
      parse_migration(f.text, m, diag);
      ASSERT_TRUE(diag.empty()) << f.text;
      if (m.batch && m.batch->mode == BatchSpec::Mode::kRange) ++backfills;
      ms.push_back(std::move(m));
    }
    LintReport r = lint(ms, {});
    EXPECT_FALSE(has_rule(r, "backfill-window")) << name << "\n" << format_report(r, LintFormat::kText);
  }
  EXPECT_GE(backfills, 2);  // add-not-null-column and rename-column at least
}

}  // namespace
}  // namespace trellis
