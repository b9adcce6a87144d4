// harness_test.cc — the assertions helpers see what is really in each backend.
#include "harness.h"

namespace trellis_test {
namespace {

class HarnessDbTest : public BackendTest {};

TEST_P(HarnessDbTest, SeesTablesAndStateRows) {
  EXPECT_TRUE(db_->tables().empty());
  EXPECT_FALSE(db_->state_exists());
  EXPECT_TRUE(db_->state_rows().empty());
  EXPECT_TRUE(db_->history().empty());
  if (is_sqlite()) {
    // The file does not exist until something creates it; create it with a table.
    write_file(project_.path("dev.db"), "");
  }
  db_->query("CREATE TABLE zeta (id integer)");
  db_->query("CREATE TABLE alpha (id integer)");
  EXPECT_EQ(db_->tables(), (std::vector<std::string>{"alpha", "zeta"}));
  EXPECT_TRUE(db_->has_table("zeta"));
  EXPECT_FALSE(db_->has_table("zet"));
  db_->query("INSERT INTO alpha VALUES (1), (NULL)");
  EXPECT_EQ(db_->query("SELECT id, 'x' FROM alpha ORDER BY id NULLS LAST"),
            (std::vector<std::string>{"1|x", "|x"}));
  EXPECT_THROW(db_->query("SELECT * FROM no_such_table"), std::runtime_error);
}

TRELLIS_BACKENDS(HarnessDbTest);

TEST(HarnessTest, MentionsLine) {
  EXPECT_TRUE(mentions_line("at migrations/a/0001_x.sql:4: boom", "migrations/a/0001_x.sql", 4));
  EXPECT_TRUE(mentions_line("statement 2 (line 4)", "migrations/a/0001_x.sql", 4));
  EXPECT_FALSE(mentions_line("statement 2 (line 44)", "migrations/a/0001_x.sql", 4));
  EXPECT_FALSE(mentions_line("migrations/a/0001_x.sql:41", "migrations/a/0001_x.sql", 4));
}

TEST(HarnessTest, MigrationText) {
  EXPECT_EQ(migration("-- phase: expand", "SELECT 1;", "SELECT 2;"),
            "-- phase: expand\n-- +up\nSELECT 1;\n\n-- +down\nSELECT 2;\n");
  EXPECT_EQ(line_of("a\nb\nc\n", "c"), 3);
}

}  // namespace
}  // namespace trellis_test
