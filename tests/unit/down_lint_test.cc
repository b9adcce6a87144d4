// lint_downs: each down section linted as a section of its own, with its transaction mode.
#include <gtest/gtest.h>

#include "lint_test_util.h"

namespace trellis {
namespace {

using testing::finding;
using testing::has_rule;
using testing::migration;

Migration with_down(const std::string& id, const std::string& down, TxMode down_tx = TxMode::kTransactional) {
  Migration m = migration(id, "CREATE TABLE t (a bigint);");
  m.down.present = true;
  m.down.sql = down;
  m.down.has_sql = true;
  m.down.first_line = 7;
  m.down_tx = down_tx;
  return m;
}

TEST(DownLint, ConcurrentlyInATransactionalDownIsAnError) {
  LintReport r = lint_downs({with_down("core/0001", "DROP INDEX CONCURRENTLY ix;")}, {});
  const LintFinding* f = finding(r, "concurrently-in-transaction");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, LintSeverity::kError);
  EXPECT_EQ(f->line, 7);
  EXPECT_EQ(f->message.rfind("down section: ", 0), 0u) << f->message;
  EXPECT_NE(f->help.find("-- transaction: down=false"), std::string::npos) << f->help;
  EXPECT_FALSE(has_rule(lint_downs({with_down("core/0001", "DROP INDEX CONCURRENTLY ix;", TxMode::kNone)}, {}),
                        "concurrently-in-transaction"));
}

TEST(DownLint, BreakingRulesDoNotApplyAndLocksAreWarnings) {
  LintReport r = lint_downs({with_down("core/0001", "DROP INDEX ix;\nDROP TABLE t;")}, {});
  EXPECT_FALSE(has_rule(r, "drop-table"));
  const LintFinding* lock = finding(r, "require-concurrent-index-drop");
  ASSERT_NE(lock, nullptr);
  EXPECT_EQ(lock->severity, LintSeverity::kWarning);
  LintOptions strict;
  strict.severity["require-concurrent-index-drop"] = "error";
  LintReport strict_report = lint_downs({with_down("core/0001", "DROP INDEX ix;")}, strict);
  lock = finding(strict_report, "require-concurrent-index-drop");  // not into a temporary
  ASSERT_NE(lock, nullptr);
  EXPECT_EQ(lock->severity, LintSeverity::kError);
}

TEST(DownLint, ForwardOnlyAndNoOpDownsAreNotLinted) {
  Migration irreversible = with_down("core/0001", "");
  irreversible.down.has_sql = false;
  irreversible.irreversible = true;
  Migration none = migration("core/0002", "SELECT 1;");
  EXPECT_TRUE(lint_downs({irreversible, none}, {}).findings.empty());
}

}  // namespace
}  // namespace trellis
