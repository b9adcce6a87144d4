// Lint in CI, without a database: `--since REF` against real git repositories made here,
// `--latest N`, PATH arguments, the assumption told when nothing is selected, and the
// paths, ruleIndex and helpUri of SARIF and GitHub output for a project in a sub-directory.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "harness.h"

namespace trellis_test {
namespace {

using Json = nlohmann::json;

const char* kToml = "[project]\nmigrations = \"migrations\"\n";
const char* kUsers = "-- +up\nCREATE TABLE users (id bigint PRIMARY KEY, name text);\n";
const char* kIndex = "-- +up\nCREATE INDEX ix_users_name ON users (name);\n";

// A git repository in a temporary directory holding a trellis project in `svc/`.
class RepoProject : public TestProject {
 public:
  RepoProject() {
    write("svc/trellis.toml", kToml);
    set_leading_args({"-C", path("svc")});
    set_env("NO_COLOR", "1");
    git({"init", "-q", "-b", "main"});
  }
  void git(const std::vector<std::string>& args) const {
    RunOptions o;
    o.program = find_program("git");
    o.args = {"-c", "user.email=lint@example.com", "-c", "user.name=lint", "-c", "commit.gpgsign=false"};
    o.args.insert(o.args.end(), args.begin(), args.end());
    o.cwd = root();
    RunResult r = run_process(o);
    ASSERT_EQ(r.exit_code, 0) << "git failed: " << r.describe();
  }
  void commit(const std::string& message) const {
    git({"add", "-A"});
    git({"commit", "-q", "-m", message});
  }
};

std::vector<std::string> rules(const Json& findings) {
  std::vector<std::string> out;
  for (const auto& f : findings) out.push_back(f.value("rule", ""));
  return out;
}

std::vector<std::string> ids(const Json& findings) {
  std::vector<std::string> out;
  for (const auto& f : findings) out.push_back(f.value("id", ""));
  return out;
}

TEST(LintCi, SinceRefLintsWhatChangedWithOlderTablesHoldingRows) {
  RepoProject p;
  p.write("svc/migrations/core/0001_users.sql", kUsers);
  p.commit("users");
  p.git({"branch", "base"});
  // Added since base: an index on the old table (flagged: production has its rows), a new
  // table and an index on it (exempt: created by a migration linted with it).
  p.write("svc/migrations/core/0002_ix.sql", kIndex);
  p.write("svc/migrations/core/0003_tags.sql", "-- +up\nCREATE TABLE tags (id bigint PRIMARY KEY, name text);\n");
  p.write("svc/migrations/core/0004_ix.sql", "-- +up\nCREATE INDEX ix_tags_name ON tags (name);\n");
  p.commit("more");
  RunResult r = p.run({"lint", "--since", "base", "--format", "json"});
  EXPECT_EQ(r.exit_code, 1) << r.describe();
  Json doc = parse_json(r);
  EXPECT_EQ(rules(doc["findings"]), std::vector<std::string>{"require-concurrent-index"}) << doc.dump();
  EXPECT_EQ(ids(doc["findings"]), std::vector<std::string>{"core/0002_ix"});
  EXPECT_NE(doc.value("assumption", "").find("3 migration(s) (added or changed since base"), std::string::npos)
      << doc.dump();
  EXPECT_NE(r.err.find("trellis: note: no environment: linting 3 migration(s)"), std::string::npos) << r.err;

  // Since HEAD nothing changed; an uncommitted edit of an old file is linted.
  RunResult none = p.run({"lint", "--since", "HEAD"});
  EXPECT_EQ(none.exit_code, 0) << none.describe();
  // (A column of a table this same migration creates could be dropped freely: orders' is not.)
  p.write("svc/migrations/core/0001_users.sql", std::string(kUsers) + "ALTER TABLE orders DROP COLUMN name;\n");
  Json edited = parse_json(p.run({"lint", "--since", "HEAD", "--format", "json"}));
  EXPECT_EQ(ids(edited["findings"]), std::vector<std::string>{"core/0001_users"}) << edited.dump();
  EXPECT_EQ(rules(edited["findings"]), std::vector<std::string>{"drop-column"});
}

TEST(LintCi, SinceOutsideGitOrUnknownRefIsBadInput) {
  RepoProject p;
  p.write("svc/migrations/core/0001_users.sql", kUsers);
  p.commit("users");
  RunResult unknown = p.run({"lint", "--since", "no-such-branch"});
  EXPECT_EQ(unknown.exit_code, 2) << unknown.describe();
  EXPECT_NE(unknown.err.find("--since no-such-branch: no such commit in this repository"), std::string::npos)
      << unknown.err;

  TestProject outside;
  outside.write("trellis.toml", kToml);
  outside.write("migrations/core/0001_users.sql", kUsers);
  RunResult not_git = outside.run({"-C", outside.root(), "lint", "--since", "main"});
  EXPECT_EQ(not_git.exit_code, 2) << not_git.describe();
  EXPECT_NE(not_git.err.find("is not inside a git work tree"), std::string::npos) << not_git.err;
  EXPECT_EQ(p.run({"lint", "--since", "main", "--latest", "1"}).exit_code, 2);  // one selection at a time
}

TEST(LintCi, LatestAndPathsCountTheOthersAsApplied) {
  RepoProject p;
  p.write("svc/migrations/core/0001_users.sql", kUsers);
  p.write("svc/migrations/core/0002_ix.sql", kIndex);
  for (const auto& args : {std::vector<std::string>{"lint", "--latest", "1", "--format", "json"},
                           std::vector<std::string>{"lint", "migrations/core/0002_ix.sql", "--format", "json"}}) {
    RunResult r = p.run(args);
    EXPECT_EQ(r.exit_code, 1) << r.describe();
    EXPECT_EQ(ids(parse_json(r)["findings"]), std::vector<std::string>{"core/0002_ix"}) << r.out;
  }
  // Linted together, the table is new for the index.
  RunResult both = p.run({"lint", "--latest", "2"});
  EXPECT_EQ(both.exit_code, 0) << both.describe();
  RunResult dir = p.run({"lint", "migrations/core"});
  EXPECT_EQ(dir.exit_code, 0) << dir.describe();
  EXPECT_EQ(p.run({"lint", "--latest", "0"}).exit_code, 2);
}

TEST(LintCi, WithoutSelectionOrDatabaseTablesOfOtherMigrationsHoldRowsAndANoteSaysSo) {
  RepoProject p;
  p.write("svc/migrations/core/0001_users.sql", kUsers);
  p.write("svc/migrations/core/0002_ix.sql", kIndex);
  p.write("svc/migrations/core/0003_t.sql",
          "-- +up\nCREATE TABLE t (id bigint PRIMARY KEY, v text);\nCREATE INDEX ix_t_v ON t (v);\n");
  for (const char* offline : {"", "--offline"}) {
    std::vector<std::string> args = {"lint", "--format", "json"};
    if (*offline) args.push_back(offline);
    RunResult r = p.run(args);
    EXPECT_EQ(r.exit_code, 1) << r.describe();
    Json doc = parse_json(r);
    EXPECT_EQ(ids(doc["findings"]), std::vector<std::string>{"core/0002_ix"}) << doc.dump();
    EXPECT_NE(r.err.find("assuming every migration other than the one linted is applied"), std::string::npos) << r.err;
    EXPECT_TRUE(doc["assumption"].is_string());
  }
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(LintCi, SarifAndGithubPathsAreRelativeToTheRepositoryRoot) {
  RepoProject p;
  p.write("svc/migrations/core/0001_users.sql", kUsers);
  p.commit("users");
  p.write("svc/migrations/core/0002_ix.sql", kIndex);
  Json sarif = parse_json(p.run({"lint", "--since", "main", "--format", "sarif"}));
  const Json& run = sarif["runs"][0];
  ASSERT_EQ(run["results"].size(), 1u) << sarif.dump();
  const Json& result = run["results"][0];
  EXPECT_EQ(result["locations"][0]["physicalLocation"]["artifactLocation"].value("uri", ""),
            "svc/migrations/core/0002_ix.sql");
  ASSERT_TRUE(result.contains("ruleIndex")) << result.dump();
  const Json& rule = run["tool"]["driver"]["rules"].at(result["ruleIndex"].get<size_t>());
  EXPECT_EQ(rule.value("id", ""), "require-concurrent-index");
  // Every rule's helpUri points at an anchor of docs/lint-rules.md.
  std::string doc = read_text(std::string(TRELLIS_SOURCE_DIR) + "/docs/lint-rules.md");
  for (const auto& r : run["tool"]["driver"]["rules"]) {
    std::string uri = r.value("helpUri", "");
    ASSERT_EQ(uri.rfind("docs/lint-rules.md#", 0), 0u) << r.dump();
    std::string anchor = uri.substr(uri.find('#') + 1);
    EXPECT_NE(doc.find("<a id=\"" + anchor + "\"></a>"), std::string::npos) << "no anchor for " << anchor;
  }

  RunResult github = p.run({"lint", "--since", "main", "--format", "github"});
  EXPECT_EQ(github.out.rfind("::error file=svc/migrations/core/0002_ix.sql,line=2,", 0), 0u) << github.out;
  RunResult prefixed = p.run({"lint", "--since", "main", "--format", "github", "--path-prefix", "deploy/db"});
  EXPECT_EQ(prefixed.out.rfind("::error file=deploy/db/migrations/core/0002_ix.sql,", 0), 0u) << prefixed.out;
  RunResult text = p.run({"lint", "--since", "main"});  // text stays relative to the project
  EXPECT_EQ(text.out.rfind("migrations/core/0002_ix.sql:2:1:", 0), 0u) << text.out;
}

}  // namespace
}  // namespace trellis_test
