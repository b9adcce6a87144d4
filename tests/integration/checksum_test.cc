// checksum_test.cc — an applied migration whose file was edited (scenario 7).
#include <chrono>
#include <filesystem>
#include <regex>
#include <thread>

#include "harness.h"

namespace trellis_test {
namespace {

const char* const kOriginal = "-- +up\nCREATE TABLE core_users (id integer);\n";
// An edit that keeps the schema the same, so that `check` sees no drift once accepted.
const char* const kEdited = "-- +up\nCREATE TABLE core_users (id integer);  -- edited\n";

// Matches the documented message; returns {applied, now} or empty strings.
std::pair<std::string, std::string> mismatch(const std::string& text) {
  static const std::regex pattern(
      "core/0001_init was applied with checksum ([0-9a-f]{12}) but its file now has "
      "([0-9a-f]{12})");
  std::smatch match;
  if (!std::regex_search(text, match, pattern)) return {};
  return {match[1], match[2]};
}

class ChecksumTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    project_.write_simple_config(db_->url());
    project_.write_migration("core", "0001_init.sql", kOriginal);
    RunResult apply = project_.run({"apply"});
    ASSERT_EQ(apply.exit_code, 0) << apply.describe();
    project_.write_migration("core", "0002_more.sql",
                             migration("", "CREATE TABLE core_more (id integer);"));
    project_.write_migration("core", "0001_init.sql", kEdited);
  }

  std::string stored_checksum() {
    auto rows = db_->query("SELECT checksum FROM " + db_->migrations_table() +
                           " WHERE id = 'core/0001_init'");
    return rows.empty() ? "" : rows.front();
  }
};

TEST_P(ChecksumTest, StatusAndCheckReportTheEdit) {
  RunResult status = project_.run({"status"});
  EXPECT_EQ(status.exit_code, 0) << status.describe();
  EXPECT_FALSE(mismatch(status.out + status.err).first.empty()) << status.describe();

  nlohmann::json doc = parse_json(project_.run({"status", "--json"}).out);
  nlohmann::json warning = find_id(doc["warnings"], "core/0001_init");
  ASSERT_TRUE(warning.is_object()) << doc.dump();
  EXPECT_EQ(warning.value("kind", ""), "checksum-mismatch");
  auto [applied, now] = mismatch(warning.value("message", ""));
  EXPECT_EQ(applied, stored_checksum().substr(0, 12)) << warning.dump();
  EXPECT_NE(now, applied);

  RunResult check = project_.run({"check"});
  EXPECT_EQ(check.exit_code, 1) << check.describe();
  EXPECT_FALSE(mismatch(check.out + check.err).first.empty()) << check.describe();

  RunResult check_json = project_.run({"check", "--json"});
  EXPECT_EQ(check_json.exit_code, 1) << check_json.describe();
  nlohmann::json report = parse_json(check_json.out);
  EXPECT_EQ(report["ok"], false);
  nlohmann::json finding = find_id(report["findings"], "core/0001_init");
  ASSERT_TRUE(finding.is_object()) << report.dump();
  EXPECT_EQ(finding.value("severity", ""), "error");
  EXPECT_EQ(finding.value("file", ""), "migrations/core/0001_init.sql");
}

TEST_P(ChecksumTest, ApplyRefusesUntilAccepted) {
  RunResult refused = project_.run({"apply"});
  EXPECT_EQ(refused.exit_code, 2) << refused.describe();
  auto [applied, now] = mismatch(refused.err);
  EXPECT_FALSE(applied.empty()) << refused.describe();
  EXPECT_FALSE(db_->has_table("core_more")) << "nothing may be applied";
  EXPECT_EQ(db_->applied_ids(), std::vector<std::string>{"core/0001_init"});

  RunResult accept = project_.run({"accept", "core/0001"});
  ASSERT_EQ(accept.exit_code, 0) << accept.describe();
  EXPECT_EQ(db_->history_count("core/0001_init", "accept"), 1);
  EXPECT_EQ(stored_checksum().substr(0, 12), now) << "accept must store the file's checksum";
  EXPECT_FALSE(db_->has_table("core_more")) << "accept must not apply anything";

  RunResult apply = project_.run({"apply"});
  ASSERT_EQ(apply.exit_code, 0) << apply.describe();
  EXPECT_TRUE(db_->has_table("core_more"));
  EXPECT_EQ(db_->history_count("core/0001_init", "apply"), 1) << "accept must not re-run";

  RunResult check = project_.run({"check"});
  EXPECT_EQ(check.exit_code, 0) << check.describe();
  nlohmann::json doc = parse_json(project_.run({"status", "--json"}).out);
  EXPECT_TRUE(doc["warnings"].empty()) << doc.dump();
}

void git(const TestProject& project, const std::vector<std::string>& args) {
  RunOptions o;
  o.program = find_program("git");
  o.args = {"-c", "user.email=t@example.com", "-c", "user.name=t", "-c", "commit.gpgsign=false"};
  o.args.insert(o.args.end(), args.begin(), args.end());
  o.cwd = project.root();
  RunResult r = run_process(o);
  ASSERT_EQ(r.exit_code, 0) << "git failed: " << r.describe();
}

// accept shows what changed: a diff against the bytes that were applied, found in git by
// their checksum (not HEAD's: here the edit is committed too).
TEST_P(ChecksumTest, AcceptShowsTheDiffAgainstTheAppliedContent) {
  if (find_program("git").empty()) GTEST_SKIP() << "git is not installed";
  git(project_, {"init", "-q"});
  project_.write_migration("core", "0001_init.sql", kOriginal);
  git(project_, {"add", "-A"});
  git(project_, {"commit", "-q", "-m", "as applied"});
  project_.write_migration("core", "0001_init.sql", kEdited);
  git(project_, {"commit", "-q", "-am", "the edit"});
  RunResult accept = project_.run({"accept", "core/0001"});
  ASSERT_EQ(accept.exit_code, 0) << accept.describe();
  EXPECT_NE(accept.out.find("--- migrations/core/0001_init.sql (applied: commit "), std::string::npos) << accept.out;
  EXPECT_NE(accept.out.find("+++ migrations/core/0001_init.sql (now)"), std::string::npos) << accept.out;
  EXPECT_NE(accept.out.find("    -CREATE TABLE core_users (id integer);\n"), std::string::npos) << accept.out;
  EXPECT_NE(accept.out.find("    +CREATE TABLE core_users (id integer);  -- edited\n"), std::string::npos) << accept.out;
  RunResult quiet = project_.run({"accept", "core/0001", "--no-diff"});
  EXPECT_EQ(quiet.out.find("---"), std::string::npos) << quiet.out;
}

// Outside git the applied bytes are nowhere: accept says so instead of a diff.
TEST_P(ChecksumTest, AcceptSaysWhenItHasNoDiff) {
  RunResult accept = project_.run({"accept", "core/0001"});
  ASSERT_EQ(accept.exit_code, 0) << accept.describe();
  EXPECT_NE(accept.out.find("(no diff: the applied content of migrations/core/0001_init.sql is in no commit"),
            std::string::npos)
      << accept.out;
}

TEST_P(ChecksumTest, RevertingTheEditClearsTheError) {
  project_.write_migration("core", "0001_init.sql", kOriginal);
  RunResult check = project_.run({"check"});
  EXPECT_EQ(check.exit_code, 0) << check.describe();
  RunResult apply = project_.run({"apply"});
  EXPECT_EQ(apply.exit_code, 0) << apply.describe();
  EXPECT_TRUE(db_->has_table("core_more"));
}

TRELLIS_BACKENDS(ChecksumTest);

// Files older than the cache's settle margin (2 s) are read from .trellis/files.bin once
// cached. An edit must still be seen: it moves the file's ctime.
class CachedChecksumTest : public BackendTest {};

TEST_P(CachedChecksumTest, EditOfACachedFileIsSeen) {
  project_.write_simple_config(db_->url());
  project_.write_migration("core", "0001_init.sql", kOriginal);
  project_.write_migration("core", "0002_more.sql", migration("", "CREATE TABLE core_more (id integer);"));
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));

  RunResult apply = project_.run({"apply"});
  ASSERT_EQ(apply.exit_code, 0) << apply.describe();
  EXPECT_TRUE(std::filesystem::exists(project_.root() + "/.trellis/files.bin"));
  RunResult status = project_.run({"status"});  // served from the cache
  EXPECT_EQ(status.exit_code, 0) << status.describe();
  EXPECT_TRUE(mismatch(status.out + status.err).first.empty()) << status.describe();

  // Same length as the original, so only the stamp's times can tell.
  std::string same_size = kOriginal;
  same_size.replace(same_size.find("id integer"), 10, "ID INTEGER");
  project_.write_migration("core", "0001_init.sql", same_size);
  status = project_.run({"status"});
  EXPECT_FALSE(mismatch(status.out + status.err).first.empty()) << status.describe();
  RunResult refused = project_.run({"apply"});
  EXPECT_EQ(refused.exit_code, 2) << refused.describe();
}

// Directory listings are cached too, by the directory's own stamp: a file added to a
// cached directory moves that stamp, so it is found.
TEST_P(CachedChecksumTest, FileAddedToACachedDirectoryIsApplied) {
  project_.write_simple_config(db_->url());
  project_.write_migration("core", "0001_init.sql", kOriginal);
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  RunResult first = project_.run({"apply"});
  ASSERT_EQ(first.exit_code, 0) << first.describe();

  project_.write_migration("core", "0002_added.sql", migration("", "CREATE TABLE core_added (id integer);"));
  RunResult apply = project_.run({"apply"});
  EXPECT_EQ(apply.exit_code, 0) << apply.describe();
  EXPECT_NE(apply.out.find("core/0002_added"), std::string::npos) << apply.describe();
  EXPECT_TRUE(db_->has_table("core_added"));
}

// The file cache does not depend on the backend: SQLite covers it.
INSTANTIATE_TEST_SUITE_P(Backends, CachedChecksumTest, ::testing::Values("sqlite"), backend_name);

}  // namespace
}  // namespace trellis_test
