#include "cli/table.h"

#include <gtest/gtest.h>

namespace trellis::cli {
namespace {

TEST(Table, ColumnsAreAsWideAsTheirLongestCell) {
  std::string id(45, 'x');
  auto lines = layout_table({"migration", "result", "why"}, {{id, "failed", "boom"}, {"a/1", "blocked", "depends"}});
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "  migration" + std::string(38, ' ') + "result   why");
  EXPECT_EQ(lines[1], "  " + id + "  failed   boom");
  EXPECT_EQ(lines[2], "  a/1" + std::string(44, ' ') + "blocked  depends");
}

TEST(Table, LineBreaksOfACellStayInItsColumn) {
  auto lines = layout_table({"id", "state", "detail"}, {{"a/1", "failed", "duplicate key\nDETAIL: Key (id)=(1)"}});
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[1], "  a/1  failed  duplicate key");
  EXPECT_EQ(lines[2], "               DETAIL: Key (id)=(1)");
}

TEST(Table, TheLastColumnWrapsWithinTheWidth) {
  std::string why = "statement 2 (line 7): new row for relation \"amounts\" violates check constraint "
                    "\"amounts_x_check\" and more words follow here";
  auto lines = layout_table({"migration", "result", "why"}, {{"reports/0001_check", "failed", why}}, 60);
  ASSERT_GT(lines.size(), 2u);
  std::string joined;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    EXPECT_LE(lines[i].size(), 60u) << lines[i];
    std::size_t text = i == 1 ? lines[i].find("statement") : lines[i].find_first_not_of(' ');
    EXPECT_GE(text, 30u) << lines[i];  // inside the why column
    joined += (joined.empty() ? "" : " ") + lines[i].substr(text);
  }
  EXPECT_EQ(joined, why);
}

TEST(Table, AWordLongerThanTheColumnStaysWhole) {
  std::string word(80, 'w');
  auto lines = wrap_text("short " + word + " end", 30);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "short");
  EXPECT_EQ(lines[1], "  " + word);
  EXPECT_EQ(lines[2], "  end");
}

TEST(Table, EscapeCodesTakeNoWidth) {
  EXPECT_EQ(visible_width("\033[31mfailed\033[0m"), 6u);
  auto lines = layout_table({"a", "b"}, {{"\033[31mred\033[0m", "x"}});
  EXPECT_EQ(lines[0], "  a    b");
  EXPECT_EQ(lines[1], "  \033[31mred\033[0m  x");
}

}  // namespace
}  // namespace trellis::cli
