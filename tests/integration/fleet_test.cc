// fleet_test.cc — `trellis fleet plan|apply|status --targets FILE`: one project over many
// databases, each its own environment; one failing or unreachable never stops the others.
#include <csignal>
#include <chrono>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "db/drivers.h"
#include "harness.h"
#include "json_schema.h"

namespace trellis_test {
namespace {

using nlohmann::json;

const char* kUnreachablePg = "postgresql:///nowhere?host=/nonexistent-trellis-socket-dir&port=1";

// Four migrations: core/0002 fails where `ledger` already exists (a broken target); search
// is not released in production.
void write_project(TestProject& p) {
  p.write("trellis.toml",
          "[env.dev]\n"
          "database = \"sqlite:dev.db\"\n"
          "\n"
          "[env.production]\n"
          "database = \"${FLEET_TEST_NEVER_SET}\"\n"
          "features = [\"core\", \"billing\"]\n");
  p.write_migration("core", "0001_accounts.sql", migration("", "CREATE TABLE accounts (id integer primary key);"));
  p.write_migration("core", "0002_ledger.sql", migration("", "CREATE TABLE ledger (id integer primary key);"));
  p.write_migration("billing", "0001_invoices.sql",
                    migration("-- requires: core/0001_accounts", "CREATE TABLE invoices (id integer primary key);"));
  p.write_migration("search", "0001_docs.sql", migration("", "CREATE TABLE search_docs (id integer);"));
}

const std::vector<std::string> kAll = {"billing/0001_invoices", "core/0001_accounts", "core/0002_ledger",
                                       "search/0001_docs"};

// [target.NAME] database = "URL" for each (name, url), in order.
std::string targets_toml(const std::vector<std::pair<std::string, std::string>>& targets, const std::string& env = "") {
  std::string out;
  for (const auto& [name, url] : targets) {
    out += "[target." + name + "]\ndatabase = \"" + url + "\"\n";
    if (!env.empty()) out += "env = \"" + env + "\"\n";
    out += "\n";
  }
  return out;
}

json target_of(const json& doc, const std::string& name) {
  for (const auto& t : doc["targets"]) {
    if (t["name"] == name) return t;
  }
  ADD_FAILURE() << "no target " << name << " in " << doc.dump(2);
  return json::object();
}

class FleetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    write_project(project_);
    project_.set_leading_args({"--no-color"});
  }

  RunResult fleet(std::vector<std::string> args, const std::map<std::string, std::string>& env = {}) {
    args.insert(args.begin(), "fleet");
    RunOptions o = project_.options(args);
    o.timeout = std::chrono::seconds(120);
    for (const auto& [k, v] : env) o.env[k] = v;
    return run_process(o);
  }

  // Runs, expects `code` and a fleet.json document.
  json fleet_json(std::vector<std::string> args, int code, const std::map<std::string, std::string>& env = {}) {
    args.push_back("--json");
    RunResult r = fleet(args, env);
    EXPECT_EQ(r.exit_code, code) << r.describe();
    json doc = parse_json(r);
    for (const auto& problem : schemas_.validate("fleet.json", doc)) ADD_FAILURE() << problem << "\n" << doc.dump(2);
    return doc;
  }

  TestProject project_;
  JsonSchemas schemas_{std::string(TRELLIS_SOURCE_DIR) + "/docs/schemas"};
};

// --- PostgreSQL: many databases on the test server -------------------------------------

class PgFleetTest : public FleetTest {
 protected:
  // `count` fresh databases t00, t01, …; `broken` (if >= 0) has a ledger table already.
  void make_targets(PgServer& server, int count, int broken) {
    for (int i = 0; i < count; ++i) {
      dbs_.push_back(make_pg_db(server));
      char name[16];
      std::snprintf(name, sizeof name, "t%02d", i);
      names_.push_back(name);
      if (i == broken) dbs_.back()->exec("CREATE TABLE ledger (id integer primary key);");
    }
  }
  std::vector<std::pair<std::string, std::string>> pairs() const {
    std::vector<std::pair<std::string, std::string>> out;
    for (std::size_t i = 0; i < dbs_.size(); ++i) out.emplace_back(names_[i], dbs_[i]->url());
    return out;
  }

  std::vector<std::unique_ptr<TestDb>> dbs_;
  std::vector<std::string> names_;
};

TEST_F(PgFleetTest, AppliesEveryTargetIsolatingTheBrokenAndTheUnreachable) {
  TRELLIS_REQUIRE_PG_OR_SKIP(server);
  const int kTargets = 50, kBroken = 7;
  make_targets(*server, kTargets, kBroken);
  auto targets = pairs();
  targets.insert(targets.begin() + 20, {"down", kUnreachablePg});
  project_.write("targets.toml", targets_toml(targets));

  auto start = std::chrono::steady_clock::now();
  json doc = fleet_json({"apply", "--targets", "targets.toml", "--parallel", "4"}, 1);
  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  std::printf("fleet apply of %d databases at --parallel 4: %lld ms\n", kTargets, static_cast<long long>(took.count()));

  ASSERT_EQ(doc["targets"].size(), kTargets + 1u);
  EXPECT_EQ(doc["targets"][20]["name"], "down") << "the targets file's order";
  EXPECT_EQ(doc["summary"]["ok"], kTargets - 1);
  EXPECT_EQ(doc["summary"]["failed"], 1);
  EXPECT_EQ(doc["summary"]["unreachable"], 1);
  EXPECT_EQ(doc["exit_code"], 1);
  for (int i = 0; i < kTargets; ++i) {
    if (i == kBroken) continue;
    EXPECT_EQ(dbs_[i]->applied_ids(), kAll) << names_[i];
    EXPECT_EQ(target_of(doc, names_[i])["applied"], 4);
  }
  json broken = target_of(doc, names_[kBroken]);
  EXPECT_EQ(broken["result"], "failed");
  EXPECT_EQ(broken["applied"], 3) << "independent features still apply on the broken target";
  EXPECT_EQ(broken["migrations"], json::array({"core/0002_ledger"}));
  EXPECT_NE(broken["error"].get<std::string>().find("ledger"), std::string::npos) << broken.dump();
  EXPECT_EQ(dbs_[kBroken]->applied_ids(),
            (std::vector<std::string>{"billing/0001_invoices", "core/0001_accounts", "search/0001_docs"}));
  json down = target_of(doc, "down");
  EXPECT_EQ(down["result"], "unreachable");
  EXPECT_NE(down["error"].get<std::string>().find("cannot connect"), std::string::npos) << down.dump();

  // A rerun has nothing new to apply: the done targets are skipped by their own state.
  json again = fleet_json({"apply", "--targets", "targets.toml", "--parallel", "4"}, 1);
  for (int i = 0; i < kTargets; ++i) EXPECT_EQ(target_of(again, names_[i])["applied"], 0) << names_[i];
  EXPECT_EQ(target_of(again, names_[kBroken])["result"], "failed");
  for (int i = 0; i < kTargets; ++i) EXPECT_EQ(dbs_[i]->history_count("core/0001_accounts", "apply"), 1);
}

TEST_F(PgFleetTest, UnreachableWithoutFailuresExitsThreeAndPrintsOneLinePerTargetAndATable) {
  TRELLIS_REQUIRE_PG_OR_SKIP(server);
  make_targets(*server, 3, -1);
  auto targets = pairs();
  targets.emplace_back("down", kUnreachablePg);
  project_.write("targets.toml", targets_toml(targets));
  RunResult r = fleet({"apply", "--targets", "targets.toml", "--parallel", "2"});
  EXPECT_EQ(r.exit_code, 3) << r.describe();
  for (const auto& name : {"t00", "t01", "t02"}) {
    EXPECT_TRUE(r.out.find(std::string("ok          ") + name + " (") != std::string::npos) << r.out;
  }
  EXPECT_NE(r.out.find("unreachable down ("), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("held/blocked"), std::string::npos) << "the summary table: " << r.out;
  EXPECT_NE(r.out.find("4 target(s), 3 ok, 1 unreachable"), std::string::npos) << r.out;
  for (const auto& db : dbs_) EXPECT_EQ(db->applied_ids(), kAll);

  // status: per target counts; the unreachable one says 3.
  json status = fleet_json({"status", "--targets", "targets.toml"}, 3);
  EXPECT_EQ(target_of(status, "t01")["applied"], 4);
  EXPECT_EQ(target_of(status, "t01")["pending"], 0);
  EXPECT_EQ(target_of(status, "down")["result"], "unreachable");
}

TEST_F(PgFleetTest, CanaryWithABrokenFirstTargetStopsBeforeTheOthers) {
  TRELLIS_REQUIRE_PG_OR_SKIP(server);
  make_targets(*server, 4, 0);
  project_.write("targets.toml", targets_toml(pairs()));
  json doc = fleet_json({"apply", "--targets", "targets.toml", "--canary", "1", "--parallel", "4"}, 1);
  EXPECT_EQ(doc["canary"], json({{"size", 1}, {"passed", false}}));
  EXPECT_EQ(target_of(doc, "t00")["result"], "failed");
  for (int i = 1; i < 4; ++i) {
    EXPECT_EQ(target_of(doc, names_[i])["result"], "skipped");
    EXPECT_FALSE(dbs_[i]->state_exists()) << names_[i] << " must not be touched";
  }
  RunResult text = fleet({"apply", "--targets", "targets.toml", "--canary", "1"});
  EXPECT_EQ(text.exit_code, 1);
  EXPECT_NE(text.out.find("Canary did not pass"), std::string::npos) << text.out;

  // A passing canary goes on to the rest.
  dbs_[0]->exec("DROP TABLE ledger;");
  json passed = fleet_json({"apply", "--targets", "targets.toml", "--canary", "2"}, 0);
  EXPECT_EQ(passed["canary"]["passed"], true);
  for (const auto& db : dbs_) EXPECT_EQ(db->applied_ids(), kAll);
}

TEST_F(PgFleetTest, FailFastStartsNoTargetAfterAFailure) {
  TRELLIS_REQUIRE_PG_OR_SKIP(server);
  make_targets(*server, 4, 1);
  project_.write("targets.toml", targets_toml(pairs()));
  json doc = fleet_json({"apply", "--targets", "targets.toml", "--parallel", "1", "--fail-fast"}, 1);
  EXPECT_EQ(target_of(doc, "t00")["result"], "ok");
  EXPECT_EQ(target_of(doc, "t01")["result"], "failed");
  EXPECT_EQ(target_of(doc, "t02")["result"], "skipped");
  EXPECT_EQ(target_of(doc, "t03")["result"], "skipped");
  EXPECT_FALSE(dbs_[2]->state_exists());
}

TEST_F(PgFleetTest, AKilledRunIsResumedByARerun) {
  TRELLIS_REQUIRE_PG_OR_SKIP(server);
  make_targets(*server, 4, -1);
  project_.write_migration("core", "0003_slow.sql", migration("", slow_statement("postgres", 0.6) +
                                                                      "\nCREATE TABLE slow_done (id integer);"));
  project_.write("targets.toml", targets_toml(pairs()));
  RunOptions o = project_.options({"fleet", "apply", "--targets", "targets.toml", "--parallel", "1"});
  auto child = start_process(o);
  ASSERT_TRUE(child->wait_for_output("ok          t00 (", std::chrono::seconds(30)));
  child->kill_now(SIGKILL);  // t01 is in its migrations (or about to be)
  child->finish();
  EXPECT_EQ(dbs_[0]->applied_ids().size(), 5u);
  EXPECT_FALSE(dbs_[3]->state_exists()) << "t03 not started yet";

  json doc = fleet_json({"apply", "--targets", "targets.toml", "--parallel", "2"}, 0);
  EXPECT_EQ(target_of(doc, "t00")["applied"], 0);
  EXPECT_EQ(target_of(doc, "t03")["applied"], 5);
  for (const auto& db : dbs_) {
    EXPECT_EQ(db->applied_ids().size(), 5u);
    for (const std::string& id : kAll) EXPECT_EQ(db->history_count(id, "apply"), 1) << id;
    EXPECT_EQ(db->history_count("core/0003_slow", "apply"), 1);
  }
}

TEST_F(PgFleetTest, ATargetWhoseRunnerLockIsHeldIsUnavailableAndTheOthersApply) {
  TRELLIS_REQUIRE_PG_OR_SKIP(server);
  make_targets(*server, 3, -1);
  project_.write("targets.toml", targets_toml(pairs()));
  auto holder = trellis::make_postgres_driver(dbs_[1]->url(), trellis::OpenMode::kReadWrite, "trellis");
  holder->lock().acquire(trellis::Millis{0});  // another runner, on t01 only
  json doc = fleet_json({"apply", "--targets", "targets.toml", "--lock-wait", "0"}, 3);
  EXPECT_EQ(target_of(doc, "t01")["result"], "unreachable");
  EXPECT_NE(target_of(doc, "t01")["error"].get<std::string>().find("lock"), std::string::npos) << doc.dump(2);
  EXPECT_EQ(dbs_[0]->applied_ids(), kAll);
  EXPECT_EQ(dbs_[2]->applied_ids(), kAll);
  holder.reset();
  json again = fleet_json({"apply", "--targets", "targets.toml"}, 0);
  EXPECT_EQ(target_of(again, "t01")["applied"], 4);
  EXPECT_EQ(target_of(again, "t00")["applied"], 0);
}

TEST_F(PgFleetTest, VariablesExpandAndPasswordsAreNeverPrinted) {
  TRELLIS_REQUIRE_PG_OR_SKIP(server);
  make_targets(*server, 1, -1);
  // Trust authentication ignores the password: the target connects, and the password must
  // still appear nowhere.
  project_.write("targets.toml", "[target.eu1]\ndatabase = \"${FLEET_URL}&password=s3cret-pw\"\n"
                                 "[target.down]\ndatabase = \"postgresql://app:s3cret-pw@/nowhere?host=/nonexistent-dir&port=1\"\n");
  std::map<std::string, std::string> env = {{"FLEET_URL", dbs_[0]->url()}};
  for (std::string format : {"text", "json"}) {
    std::vector<std::string> args = {"apply", "--targets", "targets.toml"};
    if (format == "json") args.push_back("--json");
    RunResult r = fleet(args, env);
    EXPECT_EQ(r.exit_code, 3) << r.describe();
    EXPECT_EQ(r.out.find("s3cret-pw"), std::string::npos) << r.out;
    EXPECT_EQ(r.err.find("s3cret-pw"), std::string::npos) << r.err;
    EXPECT_NE(r.out.find("password=***"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("app:***@"), std::string::npos) << r.out;
  }
  EXPECT_EQ(dbs_[0]->applied_ids(), kAll);
}

// --- SQLite: a fleet of files ------------------------------------------------------------

TEST_F(FleetTest, SqliteFleetOfFilesWithEnvironmentsPlanApplyStatus) {
  project_.write("targets.toml",
                 "[target.a]\ndatabase = \"sqlite:a.db\"\n\n"
                 "[target.b]\ndatabase = \"sqlite:b.db\"\nenv = \"production\"\n\n"
                 "[target.c]\ndatabase = \"sqlite:c.db\"\n");
  json plan = fleet_json({"plan", "--targets", "targets.toml"}, 0);
  EXPECT_EQ(target_of(plan, "a")["pending"], 4);
  EXPECT_EQ(target_of(plan, "a")["migrations"],
            json::array({"core/0001_accounts", "billing/0001_invoices", "search/0001_docs", "core/0002_ledger"}))
      << "the planner's order";
  EXPECT_EQ(target_of(plan, "b")["environment"], "production");
  EXPECT_EQ(target_of(plan, "b")["pending"], 3) << "search is not released in production";
  EXPECT_EQ(target_of(plan, "b")["held"], 1);
  EXPECT_FALSE(file_exists(project_.path("a.db"))) << "plan creates nothing";

  json apply = fleet_json({"apply", "--targets", "targets.toml", "--parallel", "3"}, 0);
  EXPECT_EQ(apply["summary"]["ok"], 3);
  auto a = make_db("sqlite", project_.root(), "a");
  auto b = make_db("sqlite", project_.root(), "b");
  EXPECT_EQ(a->applied_ids(), kAll);
  EXPECT_EQ(b->applied_ids(),
            (std::vector<std::string>{"billing/0001_invoices", "core/0001_accounts", "core/0002_ledger"}));

  json status = fleet_json({"status", "--targets", "targets.toml"}, 0);
  EXPECT_EQ(target_of(status, "c")["applied"], 4);
  EXPECT_EQ(target_of(status, "b")["applied"], 3);
  EXPECT_EQ(target_of(status, "b")["held"], 1);
  RunResult text = fleet({"status", "--targets", "targets.toml"});
  EXPECT_EQ(text.exit_code, 0) << text.describe();
  EXPECT_NE(text.out.find("4 applied, 0 pending"), std::string::npos) << text.out;

  json rerun = fleet_json({"apply", "--targets", "targets.toml"}, 0);
  for (const char* t : {"a", "b", "c"}) EXPECT_EQ(target_of(rerun, t)["applied"], 0);
}

TEST_F(FleetTest, SqliteBrokenTargetFailsAloneAndPlanShowsItsWork) {
  project_.write("targets.toml", targets_toml({{"a", "sqlite:a.db"}, {"bad", "sqlite:bad.db"}, {"c", "sqlite:c.db"}}));
  auto bad = make_db("sqlite", project_.root(), "bad");
  bad->exec("CREATE TABLE ledger (id integer primary key);");
  json doc = fleet_json({"apply", "--targets", "targets.toml", "--parallel", "2"}, 1);
  EXPECT_EQ(target_of(doc, "a")["result"], "ok");
  EXPECT_EQ(target_of(doc, "c")["result"], "ok");
  EXPECT_EQ(target_of(doc, "bad")["result"], "failed");
  EXPECT_EQ(target_of(doc, "bad")["failed"], 1);
  json plan = fleet_json({"plan", "--targets", "targets.toml"}, 0);
  EXPECT_EQ(target_of(plan, "bad")["migrations"], json::array({"core/0002_ledger"}));
  EXPECT_EQ(target_of(plan, "a")["pending"], 0);
}

TEST_F(FleetTest, LogFormatJsonTellsEachTargetAndItsMigrationsTaggedWithTheTarget) {
  project_.write("targets2.toml", targets_toml({{"d", "sqlite:d.db"}, {"bad2", "sqlite:bad2.db"}}));
  make_db("sqlite", project_.root(), "bad2")->exec("CREATE TABLE ledger (id integer primary key);");
  RunOptions o = project_.options({"--log-format", "json", "fleet", "apply", "--targets", "targets2.toml", "--parallel", "2"});
  RunResult logged = run_process(o);
  ASSERT_EQ(logged.exit_code, 1) << logged.describe();
  std::map<std::string, std::vector<json>> by_event;
  std::string run_id;
  std::istringstream lines(logged.err);
  for (std::string line; std::getline(lines, line);) {
    json e = json::parse(line, nullptr, false);
    ASSERT_FALSE(e.is_discarded()) << "not one JSON object per line: " << line;
    if (run_id.empty()) run_id = e["run_id"];
    EXPECT_EQ(e["run_id"], run_id) << line;
    by_event[e["event"]].push_back(e);
  }
  ASSERT_EQ(by_event["fleet.started"].size(), 1u) << logged.err;
  EXPECT_EQ(by_event["fleet.started"][0]["targets"], 2);
  EXPECT_EQ(by_event["target.started"].size(), 2u) << logged.err;
  ASSERT_EQ(by_event["target.finished"].size(), 2u) << logged.err;
  for (const json& e : by_event["target.finished"]) {
    if (e["target"] == "d") {
      EXPECT_EQ(e["result"], "ok");
      EXPECT_EQ(e["applied"], 4);
      EXPECT_TRUE(e["error"].is_null());
    } else {
      EXPECT_EQ(e["target"], "bad2");
      EXPECT_EQ(e["result"], "failed");
      EXPECT_NE(e["error"].get<std::string>().find("core/0002_ledger"), std::string::npos) << e.dump();
    }
  }
  // Every migration event names its target: 4 finished on d, 3 on bad2 and one failure.
  std::map<std::string, int> finished;
  for (const json& e : by_event["migration.finished"]) finished[e["target"].get<std::string>()]++;
  EXPECT_EQ(finished["d"], 4) << logged.err;
  EXPECT_EQ(finished["bad2"], 3) << logged.err;
  ASSERT_EQ(by_event["migration.failed"].size(), 1u) << logged.err;
  EXPECT_EQ(by_event["migration.failed"][0]["target"], "bad2");
  EXPECT_EQ(by_event["migration.failed"][0]["id"], "core/0002_ledger");
  EXPECT_EQ(by_event["migration.started"].size(), 8u) << logged.err;
  ASSERT_EQ(by_event["run.finished"].size(), 1u);
  EXPECT_EQ(by_event["run.finished"][0]["exit_code"], 1);
  EXPECT_EQ(by_event["run.finished"][0]["results"]["failed"], 1);
  EXPECT_EQ(by_event["run.finished"][0]["results"]["ok"], 1);
  EXPECT_NE(logged.out.find("bad2"), std::string::npos) << "stdout keeps its text: " << logged.out;
}

// On a terminal a live line names the targets running and how many are done, redrawn in
// place under the lines of the finished ones, and gone before the table.
TEST_F(FleetTest, OnATerminalALiveLineNamesTheRunningTargets) {
  std::vector<std::pair<std::string, std::string>> targets;
  for (int i = 1; i <= 8; ++i) targets.emplace_back("tenant" + std::to_string(i), "sqlite:tenant" + std::to_string(i) + ".db");
  // Each target's first migration takes a moment, so the line is drawn (after 250 ms).
  project_.write_migration("core", "0001_accounts.sql",
                           migration("", "CREATE TABLE accounts (id integer primary key);\n"
                                         "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 400000) "
                                         "SELECT count(*) FROM c;"));
  project_.write("targets.toml", targets_toml(targets));
  RunOptions o = project_.options({"fleet", "apply", "--targets", "targets.toml", "--parallel", "2"});
  o.terminal_columns = 80;
  o.timeout = std::chrono::seconds(120);
  RunResult r = run_in_pty(o);
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  std::size_t drawn = 0, at = 0;
  while ((at = r.out.find("\r  running  ", at)) != std::string::npos) {
    std::size_t end = r.out.find_first_of("\r\n", at + 1);
    std::string line = r.out.substr(at + 1, end - at - 1);
    EXPECT_NE(line.find(" of 8 done; tenant"), std::string::npos) << line;
    EXPECT_LE(line.size(), 79u) << line;
    ++drawn;
    at = end;
  }
  EXPECT_GE(drawn, 1u) << r.out;
  std::size_t table = r.out.find("target");
  ASSERT_NE(table, std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("running", table), std::string::npos) << "the live line is gone before the table:\n" << r.out;
  EXPECT_NE(r.out.find("Fleet apply: 8 target(s), 8 ok"), std::string::npos) << r.out;
}

// fleet status counts an interrupted migration (started outside a transaction, no
// runner left) as interrupted, not running, as `trellis status` does.
TEST_F(FleetTest, StatusTellsInterruptedFromRunning) {
  project_.write_migration("core", "0003_two.sql",
                           "-- transaction: false\n-- +up\nCREATE TABLE two_a (id int);\nCREATE TABLE two_b (id int);\n");
  project_.write("targets.toml", targets_toml({{"a", "sqlite:a.db"}, {"b", "sqlite:b.db"}}));
  fleet_json({"apply", "--targets", "targets.toml"}, 0);
  auto b = make_db("sqlite", project_.root(), "b");
  b->exec("UPDATE " + b->migrations_table() + " SET status = 'running', statements_done = 1 WHERE id = 'core/0003_two'");
  json doc = fleet_json({"status", "--targets", "targets.toml"}, 0);
  EXPECT_EQ(target_of(doc, "b")["interrupted"], 1) << doc.dump(2);
  EXPECT_EQ(target_of(doc, "b")["running"], 0);
  EXPECT_EQ(target_of(doc, "a")["interrupted"], 0);
  RunResult text = fleet({"status", "--targets", "targets.toml"});
  EXPECT_NE(text.out.find("1 interrupted"), std::string::npos) << text.out;
  EXPECT_EQ(text.out.find("running"), std::string::npos) << text.out;
}

// --- --targets-query SQL --catalog URL ------------------------------------------------

TEST_F(FleetTest, TargetsFromAQueryOnACatalogDatabase) {
  auto catalog = make_db("sqlite", project_.root(), "catalog");
  catalog->exec("CREATE TABLE tenants (slug text, url text, env text, active integer);"
                "INSERT INTO tenants VALUES ('acme', 'sqlite:acme.db', 'production', 1),"
                " ('globex', 'sqlite:${FLEET_DIR}/globex.db', NULL, 1), ('gone', 'sqlite:gone.db', NULL, 0);");
  std::string query = "SELECT slug AS name, url AS database, env FROM tenants WHERE active = 1 ORDER BY slug";
  std::map<std::string, std::string> env = {{"FLEET_DIR", project_.root()}};
  json doc = fleet_json({"apply", "--targets-query", query, "--catalog", "sqlite:catalog.db"}, 0, env);
  ASSERT_EQ(doc["targets"].size(), 2u);
  EXPECT_EQ(doc["targets"][0]["name"], "acme");
  EXPECT_EQ(doc["targets"][0]["environment"], "production");
  EXPECT_EQ(doc["targets"][0]["applied"], 3);
  EXPECT_EQ(doc["targets"][1]["applied"], 4);
  EXPECT_EQ(make_db("sqlite", project_.root(), "globex")->applied_ids(), kAll);
  EXPECT_FALSE(file_exists(project_.path("gone.db")));

  RunResult bad = fleet({"status", "--targets-query", "SELECT nope FROM tenants", "--catalog", "sqlite:catalog.db"});
  EXPECT_EQ(bad.exit_code, 2) << bad.describe();
  EXPECT_NE(bad.err.find("--targets-query"), std::string::npos) << bad.err;
  RunResult columns = fleet({"status", "--targets-query", "SELECT slug FROM tenants", "--catalog", "sqlite:catalog.db"});
  EXPECT_EQ(columns.exit_code, 2) << columns.describe();
  EXPECT_NE(columns.err.find("no 'name' or no 'database' column"), std::string::npos) << columns.err;
  RunResult no_catalog = fleet({"status", "--targets-query", query});
  EXPECT_EQ(no_catalog.exit_code, 2) << no_catalog.describe();
  RunResult unreachable = fleet({"status", "--targets-query", query, "--catalog", kUnreachablePg});
  EXPECT_EQ(unreachable.exit_code, 3) << unreachable.describe();
}

// --- bad input: exit 2 naming file:line, nothing created ---------------------------------

TEST_F(FleetTest, BadTargetsFilesExitTwoNamingFileAndLine) {
  struct Case {
    std::string text, expected;
  };
  const std::vector<Case> cases = {
      {"[target.a]\ndatabase = \"sqlite:a.db\"\n[target.b]\ndatabse = \"sqlite:b.db\"\n",
       "targets.toml:4: target 'b': unknown key 'databse'"},
      {"[target.a]\ndatabase = \"sqlite:a.db\"\n\n[target.b]\nenv = \"dev\"\n", "targets.toml:4: target 'b' has no database"},
      {"[target.a]\ndatabase = \"sqlite:a.db\n", "targets.toml:2:"},
      {"[target.a]\ndatabase = \"sqlite:a.db\"\nenv = \"prod\"\n",
       "targets.toml:2: target 'a': unknown environment 'prod'"},
      {"[target.a]\ndatabase = \"mysql://x/y\"\n", "targets.toml:2: target 'a'"},
      {"[target.a]\ndatabase = \"sqlite:a.db\"\n[target.b]\ndatabase = \"${FLEET_TEST_UNSET}\"\n",
       "targets.toml:4: target 'b': ${FLEET_TEST_UNSET} is not set"},
      {"[targets.a]\ndatabase = \"sqlite:a.db\"\n", "targets.toml:1: unknown section [targets]"},
      {"", "targets.toml: no targets"},
      {"[target.a]\ndatabase = 5\n", "targets.toml:2: target 'a': 'database' must be a string"},
  };
  for (const Case& c : cases) {
    project_.write("targets.toml", c.text);
    RunResult r = fleet({"apply", "--targets", "targets.toml"});
    EXPECT_EQ(r.exit_code, 2) << c.text << r.describe();
    EXPECT_NE(r.err.find(c.expected), std::string::npos) << "expected '" << c.expected << "' in:\n" << r.err;
    EXPECT_FALSE(file_exists(project_.path("a.db"))) << c.text;
    json doc = parse_json(fleet({"apply", "--targets", "targets.toml", "--json"}));
    EXPECT_EQ(doc["exit_code"], 2) << c.text;
  }
  RunResult missing = fleet({"status", "--targets", "nope.toml"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("nope.toml: no such targets file"), std::string::npos) << missing.err;
  project_.write("targets.toml", "[target.a]\ndatabase = \"sqlite:a.db\"\n");
  EXPECT_EQ(project_.run({"--database", "sqlite:x.db", "fleet", "apply", "--targets", "targets.toml"}).exit_code, 2);
  RunResult to = fleet({"apply", "--targets", "targets.toml", "--to", "core/0099"});
  EXPECT_EQ(to.exit_code, 2) << to.describe();
  EXPECT_EQ(project_.run({"fleet", "apply"}).exit_code, 2) << "--targets is required";
  EXPECT_EQ(project_.run({"fleet", "apply", "--targets", "targets.toml", "--parallel", "0"}).exit_code, 2);
}

}  // namespace
}  // namespace trellis_test
