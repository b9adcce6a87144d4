// trellis/project.h — a Trellis project on disk: trellis.toml and its migrations.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "trellis/duration.h"
#include "trellis/migration.h"

namespace trellis {

struct Settings {
  Millis lock_timeout{3000};
  Millis statement_timeout{0};  // 0 = none
  int lock_retries = 5;
  Millis runner_lock_wait{60000};  // how long a second runner waits for the first
  // PostgreSQL runner lock: "auto" (an advisory lock on a direct connection, a lease when a
  // pooler or proxy is in between), "advisory" or "lease".
  std::string runner_lock = "auto";
  Millis lease_ttl{20000};  // a lease not renewed for this long may be taken over
  // After `apply`, wait this long at most for every streaming replica to replay the run
  // (0: do not wait; `apply --wait-replicas` overrides it).
  Millis wait_replicas{0};
  // A backfill pauses between batches while a replica's replay lag exceeds this (0: off).
  Millis max_replica_lag{10000};
  // A backfill also pauses between batches while more than this many other queries are
  // active on the primary's database (its own load, as gh-ost's max-load; 0: off).
  int max_active_queries = 0;
  // Where `check` replays the applied migrations to see the schema they make (a database
  // URL of the environment's backend; README "Drift"). Empty: a scratch database made
  // on the live database's own server (SQLite: in memory). ${VAR} is interpolated as in
  // `database`; `scratch_database_line` is its line in trellis.toml (0: not set).
  std::string scratch_database;
  int scratch_database_line = 0;
};

struct Environment {
  std::string name;
  std::string database;             // interpolated; empty when not configured
  int database_line = 0;            // line of `database` in trellis.toml
  // Where `database` came from, for messages ("trellis.toml:7: environment 'prod'",
  // "--database").
  std::string database_origin;
  // What selected this environment, for --verbose ("-e", "TRELLIS_ENV",
  // "trellis.toml:3: [project] default_env", "the only environment in trellis.toml").
  std::string chosen_by;
  bool all_features = true;
  std::set<std::string> features;   // when !all_features
  // Each name of the release list as written, with its line in trellis.toml (for `check`).
  std::vector<std::pair<std::string, int>> feature_lines;
  bool allow_contract = false;
  Settings settings;

  bool releases(const std::string& feature) const {
    return all_features || features.count(feature) > 0;
  }
};

// [drift]: what `check` does not count as drift.
struct DriftSettings {
  // Object patterns ("table:audit_*", trellis/schema.h) with their lines in trellis.toml,
  // checked when the file is read. Objects they match are left out of both schemas.
  std::vector<std::pair<std::string, int>> ignore;
};

struct LintSettings {
  std::map<std::string, std::string> severity;  // rule id -> "error" | "warning" | "off"
  // `dialect = "postgres" | "sqlite"`: the database the migrations are linted for; ""
  // when not set (PostgreSQL if any environment uses it, trellis/lint_session.h).
  std::string dialect;
  // `postgres_version = N` (9..99): the PostgreSQL major version version-dependent rules
  // assume; 0 when not set (the server's when lint reads one).
  int postgres_version = 0;
};

struct Config {
  std::string root;                 // project directory
  std::string config_path;          // "trellis.toml" (relative to root)
  std::string migrations_dir = "migrations";
  std::string state_schema = "trellis";
  std::string default_env;
  int default_env_line = 0;         // its line in trellis.toml
  Settings defaults;
  // As written in trellis.toml: `database` not yet interpolated, settings merged over
  // [defaults]. select_environment() resolves one of them.
  std::map<std::string, Environment> environments;
  LintSettings lint;
  DriftSettings drift;
};

// What the command line asks for when choosing an environment.
struct EnvSelection {
  std::string env_name;           // -e / TRELLIS_ENV; empty = default
  std::string database_override;  // --database
};

// Reads trellis.toml in `root`. Throws Error(kConfig) with file:line.
Config load_config(const std::string& root);

// Selects the environment to use, interpolating ${VAR}. Throws Error(kConfig) for an
// unknown environment or an unset variable, naming both. Its database URL is as written:
// resolve_environment() (trellis/workspace.h) also checks it and anchors a file path.
Environment select_environment(const Config& config, const EnvSelection& selection);

// Whether loading may use the copy of the migration files kept in the project's
// `.trellis/files.bin`, for files whose size, times and inode are unchanged since it was
// written (ARCHITECTURE.md, "Caches"). kBypass reads and hashes every file, as `trellis
// check` does. TRELLIS_NO_CACHE=1 in the environment makes every load kBypass.
enum class FileCacheUse { kReadWrite, kBypass };

// All migrations of the project, ordered by (feature, number). Throws Error(kParse) listing
// every problem found (file:line, the line, a caret).
std::vector<Migration> load_migrations(const Config& config, FileCacheUse use = FileCacheUse::kReadWrite);

struct Project {
  Config config;
  std::vector<Migration> migrations;
};

Project load_project(const std::string& root, FileCacheUse use = FileCacheUse::kReadWrite);

}  // namespace trellis
