// trellis/workspace.h — a loaded project, its selected environment and its graph: what
// every command starts from.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "trellis/driver.h"
#include "trellis/graph.h"
#include "trellis/lint.h"
#include "trellis/project.h"

namespace trellis {

// select_environment() (trellis/project.h), then the database URL (and the
// scratch_database URL, if any) checked by the backend that registered its scheme and a
// relative file path anchored at the project directory.
// Throws Error(kConfig) naming where the URL came from.
Environment resolve_environment(const Config& config, const EnvSelection& selection);

// The dialect to lint a database's migrations as, from the backend that registered the
// URL's scheme (kPostgres when none did, e.g. for lint without a database).
Dialect dialect_of_url(const std::string& database_url);

// The driver options of an environment: the state schema and the runner lock settings.
DriverOptions driver_options(const Config& config, const Environment& env);

class Workspace {
 public:
  // Loads trellis.toml and every migration in `root`, selects the environment and builds
  // the graph. Throws Error(kConfig / kParse / kGraph).
  Workspace(const std::string& root, const EnvSelection& selection,
            FileCacheUse files = FileCacheUse::kReadWrite);

  // Work that needs only the configuration and the environment (typically: connecting
  // and reading the state of a read-only command).
  using Alongside = std::function<void(const Config& config, const Environment& env)>;
  // Loads like the constructor above, but runs `alongside` on the calling thread while
  // the migration files are read and the graph is built on another, so the two waits
  // overlap. `alongside` must have no effect that bad migration files should prevent:
  // it writes nothing and takes a lock only if it is free (never waiting for it), since
  // the lock is held until the files turn out bad. Errors come in the same order as
  // without it:
  // configuration, migration files and graph, environment, then those of `alongside`.
  Workspace(const std::string& root, const EnvSelection& selection, const Alongside& alongside);

  // The project and graph of `base` (shared, not copied: cheap) with another environment,
  // already resolved: one database of a fleet (trellis/fleet.h).
  Workspace(const Workspace& base, Environment env);

  // Neither copied nor moved: the graph refers to the project's migrations in place.
  Workspace(const Workspace&) = delete;
  Workspace& operator=(const Workspace&) = delete;

  const Project& project() const { return *project_; }
  const Environment& env() const { return env_; }
  const Graph& graph() const { return *graph_; }

  // Opens the environment's database. Read-only opens never create anything.
  std::unique_ptr<Driver> connect(OpenMode mode) const;

  // For a writing command, once everything that can refuse it (ids, options, the plan)
  // was decided on a read-only connection, so that a refused run creates nothing: opens
  // for writing (creating a SQLite file), takes the runner lock (waiting up to
  // `lock_wait`) and creates trellis' tables if missing. The caller then reads the state
  // again and decides again, since another runner may have changed it meanwhile.
  std::unique_ptr<Driver> connect_to_write(Millis lock_wait) const;

 private:
  std::shared_ptr<Project> project_ = std::make_shared<Project>();
  Environment env_;
  std::shared_ptr<const Graph> graph_;
};

}  // namespace trellis
