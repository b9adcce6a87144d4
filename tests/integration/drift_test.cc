// drift_test.cc — `trellis check` compares the live schema with the one its applied
// migrations make, replayed on a scratch database: each difference one finding naming
// the object, exit 1; [drift] ignore; the expected schema cached in .trellis/; a replay
// that fails; nothing written to the live database. On SQLite and PostgreSQL.
#include <algorithm>
#include <fstream>
#include <sstream>

#include "harness.h"

namespace trellis_test {
namespace {

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

const char* kUnreachableScratchPg = "postgresql:///postgres?host=/nonexistent-trellis-socket-dir&port=1";

class DriftTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    write_config("");
    project_.write_migration("core", "0001_users.sql",
                             migration("", "CREATE TABLE users (id integer PRIMARY KEY, email text, name text);",
                                       "DROP TABLE users;"));
    project_.write_migration("core", "0002_name_index.sql",
                             migration("", "CREATE INDEX ix_users_name ON users (name);", "DROP INDEX ix_users_name;"));
    project_.write_migration("billing", "0001_invoices.sql",
                             migration("-- requires: core/0001_users",
                                       "CREATE TABLE invoices (id integer PRIMARY KEY, user_id integer NOT NULL);",
                                       "DROP TABLE invoices;"));
  }

  void write_config(const std::string& extra) {
    project_.write("trellis.toml", "[env.dev]\ndatabase = \"" + db_->url() + "\"\n" + extra);
  }

  // An unreachable scratch server (PostgreSQL: SQLite's scratch is always in memory).
  std::string unreachable_scratch() const { return kUnreachableScratchPg; }

  // The messages of the findings of kind `kind` in check --json, sorted.
  static std::vector<std::string> messages(const nlohmann::json& doc, const std::string& kind) {
    std::vector<std::string> out;
    for (const auto& f : doc["findings"])
      if (f["kind"] == kind) out.push_back(f["message"].get<std::string>());
    std::sort(out.begin(), out.end());
    return out;
  }

  nlohmann::json check_json(const std::vector<std::string>& extra = {}, int expected_exit = 0,
                            const std::map<std::string, std::string>& env = {}) {
    std::vector<std::string> args{"check", "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    RunResult r = project_.run(args, env);
    EXPECT_EQ(r.exit_code, expected_exit) << r.describe();
    return parse_json(r);
  }

  void apply() {
    RunResult r = project_.run({"apply"});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
  }
};

TEST_P(DriftTest, AHealthyDatabaseMatchesItsMigrations) {
  apply();
  RunResult r = project_.run({"check"});
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_NE(r.out.find("schema: matches its 3 applied migration(s) (the schema they make, replayed on "),
            std::string::npos)
      << r.describe();
  nlohmann::json doc = check_json();
  EXPECT_EQ(doc["drift"]["compared"], true) << doc.dump();
  EXPECT_EQ(doc["drift"]["migrations"], 3);
  EXPECT_TRUE(doc["drift"]["differences"].empty()) << doc.dump();
}

// The scenario: a column and a table dropped by hand, a rogue table created.
TEST_P(DriftTest, NamesExactlyWhatWasChangedByHand) {
  apply();
  db_->exec("ALTER TABLE users DROP COLUMN email;");
  db_->exec("DROP TABLE invoices;");
  db_->exec("CREATE TABLE rogue (id integer);");
  RunResult text = project_.run({"check"});
  EXPECT_EQ(text.exit_code, 1) << text.describe();
  for (const char* line : {"error: column users.email: missing in the database",
                           "error: table invoices: missing in the database",
                           "error: table rogue: not created by any migration",
                           "schema: 3 difference(s) from its 3 applied migration(s)", "check failed"}) {
    EXPECT_NE(text.out.find(line), std::string::npos) << line << "\n"
                                                      << text.describe();
  }
  nlohmann::json doc = check_json({}, 1);
  EXPECT_EQ(doc["ok"], false);
  EXPECT_EQ(messages(doc, "drift"),
            (std::vector<std::string>{"column users.email: missing in the database",
                                      "table invoices: missing in the database",
                                      "table rogue: not created by any migration"}))
      << doc.dump();
  const nlohmann::json& differences = doc["drift"]["differences"];
  ASSERT_EQ(differences.size(), 3u) << doc.dump();
  std::vector<std::string> typed;
  for (const auto& d : differences)
    typed.push_back(d["type"].get<std::string>() + " " + d["object_kind"].get<std::string>() + " " +
                    d["name"].get<std::string>());
  std::sort(typed.begin(), typed.end());
  EXPECT_EQ(typed, (std::vector<std::string>{"missing column users.email", "missing table invoices",
                                             "unexpected table rogue"}));
  // Nothing else is reported: the integrity checks still pass.
  for (const auto& f : doc["findings"]) EXPECT_EQ(f["kind"], "drift") << f.dump();
}

TEST_P(DriftTest, AChangedIndexDefinitionNamesBothDefinitions) {
  apply();
  db_->exec("DROP INDEX ix_users_name;");
  db_->exec("CREATE INDEX ix_users_name ON users (email);");
  nlohmann::json doc = check_json({}, 1);
  std::vector<std::string> found = messages(doc, "drift");
  ASSERT_EQ(found.size(), 1u) << doc.dump();
  EXPECT_EQ(found[0].rfind("index ix_users_name: ", 0), 0u) << found[0];
  EXPECT_NE(found[0].find(" differs: "), std::string::npos) << found[0];
  EXPECT_NE(found[0].find("name"), std::string::npos) << found[0];
  EXPECT_NE(found[0].find("email"), std::string::npos) << found[0];
  ASSERT_EQ(doc["drift"]["differences"].size(), 1u);
  const nlohmann::json& d = doc["drift"]["differences"][0];
  EXPECT_EQ(d["type"], "differs");
  EXPECT_EQ(d["object_kind"], "index");
  EXPECT_FALSE(d["changes"].empty()) << d.dump();
}

TEST_P(DriftTest, IgnorePatternsLeaveObjectsOutOfBothSchemas) {
  apply();
  db_->exec("CREATE TABLE audit_log (id integer, at text);");
  db_->exec("CREATE INDEX ix_audit_at ON audit_log (at);");
  db_->exec("CREATE TABLE audit_2026 (id integer);");
  db_->exec("DROP INDEX ix_users_name;");  // made by a migration, ignored on purpose
  db_->exec("CREATE TABLE rogue (id integer);");
  write_config("[drift]\nignore = [\"table:audit_*\", \"index:ix_users_*\"]\n");
  nlohmann::json doc = check_json({}, 1);
  EXPECT_EQ(messages(doc, "drift"), (std::vector<std::string>{"table rogue: not created by any migration"}))
      << doc.dump();
  EXPECT_GE(doc["drift"]["ignored"].get<int>(), 4) << "two tables, their index, one index expected" << doc.dump();
  db_->exec("DROP TABLE rogue;");
  RunResult r = project_.run({"check"});
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_NE(r.out.find("object(s) left out by [drift] ignore"), std::string::npos) << r.describe();
}

TEST_P(DriftTest, ABadIgnorePatternIsAConfigErrorWithItsLine) {
  write_config("[drift]\nignore = [\n  \"table:audit_*\",\n  \"tabel:x\",\n]\n");
  RunResult r = project_.run({"check"});
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_NE(r.err.find("trellis.toml:6: [drift] ignore: 'tabel:x': unknown object kind 'tabel'"), std::string::npos)
      << r.describe();
}

// The second check takes the expected schema from .trellis/ and replays nothing: what
// the cache holds is what it compares with (a cached table renamed in the file shows up
// as drift), until the applied migrations change.
TEST_P(DriftTest, ASecondCheckComparesWithTheCachedSchema) {
  apply();
  nlohmann::json first = check_json();
  EXPECT_EQ(first["drift"]["expected_from"], "replay") << first.dump();
  std::string path = project_.path(".trellis/expected-schemas.bin");
  std::string bytes = file_bytes(path);
  ASSERT_NE(bytes.find("invoices"), std::string::npos);
  for (std::size_t at; (at = bytes.find("invoices")) != std::string::npos;) bytes.replace(at, 8, "invoicez");
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  nlohmann::json second = check_json({}, 1);
  EXPECT_EQ(second["drift"]["expected_from"], "cache") << second.dump();
  EXPECT_EQ(messages(second, "drift"), (std::vector<std::string>{"table invoices: not created by any migration",
                                                                 "table invoicez: missing in the database"}))
      << second.dump();
  // Without the cache, the same check replays and passes.
  RunResult cold = project_.run({"check"}, {{"TRELLIS_NO_CACHE", "1"}});
  EXPECT_EQ(cold.exit_code, 0) << cold.describe();
  // A new applied migration is a new key: replayed again, and cached again.
  project_.write_migration("core", "0003_more.sql", migration("", "ALTER TABLE users ADD COLUMN age integer;"));
  apply();
  nlohmann::json replayed = check_json();
  EXPECT_EQ(replayed["drift"]["expected_from"], "replay") << replayed.dump();
  EXPECT_EQ(replayed["drift"]["migrations"], 4);
  EXPECT_EQ(check_json()["drift"]["expected_from"], "cache");
}

// On PostgreSQL a cached check does not even connect to the scratch server: it passes
// with one that cannot be reached, where a replay exits 3.
TEST_P(DriftTest, ASecondCheckOnlyIntrospects) {
  if (is_sqlite()) GTEST_SKIP() << "SQLite's scratch database is in memory: there is no server to miss";
  apply();
  nlohmann::json first = check_json();
  EXPECT_EQ(first["drift"]["expected_from"], "replay") << first.dump();
  std::string unreachable = unreachable_scratch();
  nlohmann::json second = check_json({"--scratch", unreachable});
  EXPECT_EQ(second["drift"]["expected_from"], "cache") << second.dump();
  EXPECT_EQ(second["drift"]["scratch"], nullptr);
  EXPECT_EQ(second["drift"]["compared"], true);
  RunResult text = project_.run({"check", "--scratch", unreachable});
  EXPECT_EQ(text.exit_code, 0) << text.describe();
  EXPECT_NE(text.out.find("as cached in .trellis/"), std::string::npos) << text.describe();
  // Drift is still seen through the cache.
  db_->exec("CREATE TABLE rogue (id integer);");
  nlohmann::json drifted = check_json({"--scratch", unreachable}, 1);
  EXPECT_EQ(messages(drifted, "drift"), (std::vector<std::string>{"table rogue: not created by any migration"}));
  db_->exec("DROP TABLE rogue;");
  // Without the cache, the same command must replay, and cannot.
  RunResult cold = project_.run({"check", "--scratch", unreachable}, {{"TRELLIS_NO_CACHE", "1"}});
  EXPECT_EQ(cold.exit_code, 3) << cold.describe();
  // A new applied migration is a new key: replayed again.
  project_.write_migration("core", "0003_more.sql", migration("", "ALTER TABLE users ADD COLUMN age integer;"));
  apply();
  RunResult after = project_.run({"check", "--scratch", unreachable});
  EXPECT_EQ(after.exit_code, 3) << after.describe();
  nlohmann::json replayed = check_json();
  EXPECT_EQ(replayed["drift"]["expected_from"], "replay") << replayed.dump();
  EXPECT_EQ(replayed["drift"]["migrations"], 4);
}

TEST_P(DriftTest, AnEditedAppliedFileIsReplayedAgain) {
  apply();
  check_json();
  project_.write_migration("billing", "0001_invoices.sql",
                           migration("-- requires: core/0001_users",
                                     "CREATE TABLE invoices (id integer PRIMARY KEY, user_id integer NOT NULL, total integer);",
                                     "DROP TABLE invoices;"));
  nlohmann::json doc = check_json({}, 1);
  EXPECT_EQ(doc["drift"]["expected_from"], "replay") << doc.dump();
  EXPECT_EQ(messages(doc, "drift"), (std::vector<std::string>{"column invoices.total: missing in the database"}));
  EXPECT_FALSE(messages(doc, "checksum-mismatch").empty()) << doc.dump();
}

// A migration that only worked on the live data: the replay on an empty database fails,
// and check says which migration and statement (exit 1), never a silent pass.
TEST_P(DriftTest, AReplayThatFailsNamesTheMigrationAndStatement) {
  apply();
  db_->exec("INSERT INTO users (id, email, name) VALUES (1, 'a@example.com', 'a');");
  const std::string file =
      "-- +up\n"
      "CREATE TABLE settings (owner_id integer NOT NULL);\n"
      "INSERT INTO settings (owner_id) VALUES ((SELECT min(id) FROM users));\n";
  project_.write_migration("core", "0003_settings.sql", file);
  apply();
  RunResult r = project_.run({"check"});
  EXPECT_EQ(r.exit_code, 1) << r.describe();
  EXPECT_NE(r.out.find("drift not checked: replaying the applied migrations on "), std::string::npos)
      << r.describe();
  EXPECT_NE(r.out.find("failed at core/0003_settings: statement 2 (line 3): "), std::string::npos) << r.describe();
  EXPECT_NE(r.out.find("help: the migration does not run on an empty database"), std::string::npos) << r.describe();
  nlohmann::json doc = check_json({}, 1);
  nlohmann::json f = find_id(doc["findings"], "core/0003_settings");
  EXPECT_EQ(f["kind"], "replay-failed") << doc.dump();
  EXPECT_EQ(f["file"], "migrations/core/0003_settings.sql");
  EXPECT_EQ(f["line"], 3);
  EXPECT_EQ(doc["drift"]["compared"], false);
}

TEST_P(DriftTest, OfflineAndNoDriftDoNotCompare) {
  apply();
  db_->exec("CREATE TABLE rogue (id integer);");
  nlohmann::json offline = check_json({"--offline"});
  EXPECT_TRUE(offline.contains("drift") && offline["drift"].is_null()) << offline.dump();
  nlohmann::json no_drift = check_json({"--no-drift"});
  EXPECT_TRUE(no_drift.contains("drift") && no_drift["drift"].is_null()) << no_drift.dump();
  check_json({}, 1);
}

TEST_P(DriftTest, ScratchUrlsAreChecked) {
  apply();
  RunResult bad = project_.run({"check", "--scratch", "mysql://x"});
  EXPECT_EQ(bad.exit_code, 2) << bad.describe();
  EXPECT_NE(bad.err.find("--scratch: unsupported database URL scheme 'mysql'"), std::string::npos) << bad.describe();
  std::string other = is_sqlite() ? "postgresql:///x?host=/tmp" : "sqlite::memory:";
  RunResult mismatch = project_.run({"check", "--scratch", other});
  EXPECT_EQ(mismatch.exit_code, 2) << mismatch.describe();
  EXPECT_NE(mismatch.err.find("--scratch: scratch database"), std::string::npos) << mismatch.describe();
  write_config("scratch_database = \"" + other + "\"\n");
  RunResult toml = project_.run({"check"});
  EXPECT_EQ(toml.exit_code, 2) << toml.describe();
  EXPECT_NE(toml.err.find("trellis.toml:3: scratch_database: scratch database"), std::string::npos) << toml.describe();
}

// No scratch database to be had: exit 3 with a message, never a pass.
TEST_P(DriftTest, NoScratchDatabaseIsExitThree) {
  if (is_sqlite()) GTEST_SKIP() << "SQLite's scratch database is in memory: it can always be had";
  apply();
  write_config("scratch_database = \"" + unreachable_scratch() + "\"\n");
  RunResult r = project_.run({"check"});
  EXPECT_EQ(r.exit_code, 3) << r.describe();
  EXPECT_EQ(r.out.find("check passed"), std::string::npos) << r.describe();
  EXPECT_FALSE(r.err.empty()) << r.describe();
}

// check writes nothing to the live database: on SQLite the file is byte for byte the
// same and no journal appears; on PostgreSQL any DDL in the database and any write to
// trellis' tables would raise.
TEST_P(DriftTest, WritesNothingToTheLiveDatabase) {
  apply();
  db_->exec("CREATE TABLE rogue (id integer);");
  std::vector<std::string> state = db_->state_rows(), history = db_->history();
  if (is_sqlite()) {
    std::string path = project_.path("dev.db");
    std::string before = file_bytes(path);
    auto mtime = std::filesystem::last_write_time(path);
    check_json({}, 1);
    EXPECT_EQ(file_bytes(path), before);
    EXPECT_EQ(std::filesystem::last_write_time(path), mtime);
    EXPECT_FALSE(std::filesystem::exists(path + "-journal"));
    EXPECT_FALSE(std::filesystem::exists(path + "-wal"));
  } else {
    db_->exec(
        "CREATE FUNCTION forbid_writes() RETURNS event_trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'check wrote to the live database: %', tg_tag; END $$;"
        "CREATE FUNCTION forbid_rows() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'check wrote to %', TG_TABLE_NAME; END $$;"
        "CREATE TRIGGER forbid_m BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON trellis.migrations "
        "FOR EACH STATEMENT EXECUTE FUNCTION forbid_rows();"
        "CREATE TRIGGER forbid_h BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON trellis.history "
        "FOR EACH STATEMENT EXECUTE FUNCTION forbid_rows();"
        "CREATE EVENT TRIGGER forbid_ddl ON ddl_command_start EXECUTE FUNCTION forbid_writes();");
    write_config("[drift]\nignore = [\"function:forbid_*\"]\n");
    nlohmann::json doc = check_json({}, 1);
    EXPECT_EQ(messages(doc, "drift"), (std::vector<std::string>{"table rogue: not created by any migration"}))
        << doc.dump();
    db_->exec("DROP EVENT TRIGGER forbid_ddl;");
  }
  EXPECT_EQ(db_->state_rows(), state);
  EXPECT_EQ(db_->history(), history);
}

TRELLIS_BACKENDS(DriftTest);

// --- PostgreSQL only: where the scratch databases are made ---------------------------

class PgDriftTest : public DriftTest {
 protected:
  // `url` with its database replaced by `database` (the tests' URLs are postgresql:///DB?…).
  static std::string with_database(const std::string& url, const std::string& database) {
    std::size_t slash = url.find(":///"), query = url.find('?');
    return url.substr(0, slash + 4) + database + url.substr(query);
  }
  static std::string with_user(std::string url, const std::string& user) {
    return url.replace(url.find("&user="), std::string::npos, "&user=" + user);
  }
  // The scratch database's name, from check --json's "scratch" ("NAME on TARGET").
  static std::string scratch_name(const nlohmann::json& doc) {
    std::string scratch = doc["drift"]["scratch"].get<std::string>();
    return scratch.substr(0, scratch.find(' '));
  }
  bool database_exists(const std::string& name) {
    return db_->scalar("SELECT count(*) FROM pg_database WHERE datname = '" + name + "'") == "1";
  }
};

TEST_P(PgDriftTest, TheScratchDatabaseIsDroppedAfterwards) {
  apply();
  nlohmann::json ok = check_json({}, 0, {{"TRELLIS_NO_CACHE", "1"}});
  std::string name = scratch_name(ok);
  EXPECT_EQ(name.rfind("trellis_scratch_", 0), 0u) << ok.dump();
  EXPECT_FALSE(database_exists(name)) << name;
  // Also when the replay fails.
  db_->exec("INSERT INTO users (id) VALUES (1);");
  project_.write_migration("core", "0003_settings.sql",
                           migration("",
                                     "CREATE TABLE settings (owner_id integer NOT NULL);\n"
                                     "INSERT INTO settings (owner_id) VALUES ((SELECT min(id) FROM users));"));
  apply();
  nlohmann::json failed = check_json({}, 1);
  EXPECT_EQ(failed["drift"]["compared"], false) << failed.dump();
  EXPECT_FALSE(database_exists(scratch_name(failed))) << failed.dump();
}

TEST_P(PgDriftTest, ScratchOnTheServerOfAGivenUrl) {
  apply();
  db_->exec("CREATE TABLE rogue (id integer);");
  std::string scratch = with_database(db_->url(), "postgres");
  nlohmann::json doc = check_json({"--scratch", scratch}, 1);
  EXPECT_EQ(messages(doc, "drift"), (std::vector<std::string>{"table rogue: not created by any migration"}));
  EXPECT_NE(doc["drift"]["scratch"].get<std::string>().find("/postgres"), std::string::npos) << doc.dump();
  EXPECT_FALSE(database_exists(scratch_name(doc)));
  // The same from trellis.toml.
  write_config("scratch_database = \"" + scratch + "\"\n");
  nlohmann::json toml = check_json({}, 1, {{"TRELLIS_NO_CACHE", "1"}});
  EXPECT_NE(toml["drift"]["scratch"].get<std::string>().find("/postgres"), std::string::npos) << toml.dump();
}

// A role without CREATEDB: check cannot make a scratch database (exit 3, saying how to
// give it one); given an empty database of its own, check replays there and empties it.
TEST_P(PgDriftTest, ARoleWithoutCreatedbNeedsAScratchDatabase) {
  apply();
  db_->exec("CREATE TABLE rogue (id integer);");
  const std::string database = db_->scalar("SELECT current_database()");
  const std::string role = "drift_reader_" + database, scratch_db = "drift_scratch_" + database;
  db_->exec("CREATE ROLE " + role +
            " LOGIN NOSUPERUSER NOCREATEDB;"
            "GRANT USAGE ON SCHEMA trellis TO " +
            role +
            ";"
            "GRANT SELECT ON ALL TABLES IN SCHEMA trellis TO " +
            role + ";");
  db_->query("CREATE DATABASE " + scratch_db + " OWNER " + role);
  project_.write("trellis.toml", "[env.dev]\ndatabase = \"" + with_user(db_->url(), role) + "\"\n");
  RunResult refused = project_.run({"check"});
  EXPECT_EQ(refused.exit_code, 3) << refused.describe();
  EXPECT_NE(refused.err.find("may not create databases"), std::string::npos) << refused.describe();
  EXPECT_NE(refused.err.find("--scratch URL or scratch_database"), std::string::npos) << refused.describe();
  std::string scratch = with_user(with_database(db_->url(), scratch_db), role);
  for (int run = 0; run < 2; ++run) {  // used in place, and emptied for the next run
    nlohmann::json doc = check_json({"--scratch", scratch}, 1, {{"TRELLIS_NO_CACHE", "1"}});
    EXPECT_EQ(messages(doc, "drift"), (std::vector<std::string>{"table rogue: not created by any migration"}))
        << doc.dump();
    EXPECT_EQ(PgServer::query(with_database(db_->url(), scratch_db),
                              "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                              "WHERE n.nspname = 'public'"),
              (std::vector<std::string>{"0"}));
  }
  db_->query("DROP DATABASE " + scratch_db);
  db_->exec("DROP OWNED BY " + role + "; DROP ROLE " + role + ";");
}

INSTANTIATE_TEST_SUITE_P(Backends, PgDriftTest, ::testing::Values("postgres"), ::trellis_test::backend_name);

}  // namespace
}  // namespace trellis_test
