// require_schema on rows written straight into a SQLite state: each way a required
// migration can be missing has its reason (both backends end to end: embed_api_test.cc).
#include "trellis/schema_check.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "trellis/error.h"
#include "trellis/workspace.h"

namespace trellis {
namespace {

class SchemaCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/trellis-schema-check-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
    write("trellis.toml", "[env.dev]\ndatabase = \"sqlite:dev.db\"\nfeatures = \"all\"\n");
    write("migrations/core/0001_users.sql", "-- +up\nCREATE TABLE users (id integer);\n");
    write("migrations/core/0002_email.sql", "-- +up\nALTER TABLE users ADD COLUMN email text;\n");
    write("migrations/billing/0001_invoices.sql",
          "-- requires: core/0001\n-- +up\nCREATE TABLE invoices (id integer);\n");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void write(const std::string& relative, const std::string& text) {
    std::filesystem::path p = std::filesystem::path(dir_) / relative;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p) << text;
  }

  // Records `id` in the state with `status`, and the file's checksum unless `checksum`.
  void record(const std::string& id, RecordStatus status, std::string checksum = "") {
    Workspace ws(dir_, EnvSelection{});
    const Migration& m = ws.graph().at(*ws.graph().find(id));
    auto db = ws.connect(OpenMode::kReadWrite);
    db->state().ensure();
    StateRow row;
    row.id = m.id;
    row.feature = m.feature;
    row.checksum = checksum.empty() ? m.checksum : checksum;
    row.phase = "expand";
    row.status = status;
    row.started_at = "2026-01-01T00:00:00Z";
    row.error = status == RecordStatus::kFailed ? "statement 1 (line 2): no such table" : "";
    row.statements_done = 1;
    db->state().record(row, HistoryEvent{});
  }

  std::string dir_;
};

TEST_F(SchemaCheckTest, EveryReleasedMigrationWithItsFileChecksum) {
  SchemaCheck none = require_schema(dir_, "dev");
  EXPECT_EQ(none.required, 3u);
  ASSERT_EQ(none.problems.size(), 3u);
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/dev.db")) << "the check creates nothing";
  record("core/0001_users", RecordStatus::kApplied);
  record("core/0002_email", RecordStatus::kApplied, std::string(64, 'a'));
  record("billing/0001_invoices", RecordStatus::kFailed);
  SchemaCheck c = require_schema(dir_, "dev");
  ASSERT_EQ(c.problems.size(), 2u);
  EXPECT_EQ(c.problems[0].id, "billing/0001_invoices");
  EXPECT_EQ(c.problems[0].reason, "failed: statement 1 (line 2): no such table");
  EXPECT_EQ(c.problems[1].id, "core/0002_email");
  EXPECT_EQ(c.problems[1].reason.rfind("edited since it was applied (checksum in the database aaaaaaaaaaaa, file ", 0),
            0u)
      << c.problems[1].reason;
  EXPECT_EQ(c.explain().substr(0, c.explain().find('\n')),
            "schema of dev (sqlite:" + dir_ + "/dev.db) is missing 2 of 3 required migration(s):");
}

TEST_F(SchemaCheckTest, NamedIdsShortOrFullAndTheirDependencies) {
  record("core/0001_users", RecordStatus::kApplied);
  RequireOptions short_and_full;
  short_and_full.required = {"core/0001", "core/1", "core/0001_users"};
  EXPECT_TRUE(require_schema(dir_, "", short_and_full).ok());
  RequireOptions billing;
  billing.required = {"billing/0001"};
  SchemaCheck c = require_schema(dir_, "", billing);
  EXPECT_EQ(c.required, 2u);  // and core/0001, which it requires
  ASSERT_EQ(c.problems.size(), 1u);
  EXPECT_EQ(c.problems[0].reason, "not applied");
  record("billing/0001_invoices", RecordStatus::kRunning);
  EXPECT_EQ(require_schema(dir_, "", billing).problems[0].reason, "interrupted after 1 statement(s)");
  RequireOptions unknown;
  unknown.required = {"payments"};
  EXPECT_THROW(require_schema(dir_, "", unknown), Error);
}

}  // namespace
}  // namespace trellis
