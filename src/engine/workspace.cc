#include "trellis/workspace.h"

#include <exception>

#include "util/spread_thread.h"

namespace trellis {

Dialect dialect_of_url(const std::string& database_url) {
  return dialect_named(backend_name(database_url));
}

Environment resolve_environment(const Config& config, const EnvSelection& selection) {
  Environment env = select_environment(config, selection);
  check_database_url(env.database, env.database_origin);
  env.database = anchor_database_url(env.database, config.root);
  Settings& s = env.settings;
  if (!s.scratch_database.empty()) {
    check_database_url(s.scratch_database, config.config_path + ":" + std::to_string(s.scratch_database_line) +
                                               ": scratch_database");
    s.scratch_database = anchor_database_url(s.scratch_database, config.root);
  }
  return env;
}

Workspace::Workspace(const std::string& root, const EnvSelection& selection, FileCacheUse files)
    : project_(std::make_shared<Project>(load_project(root, files))),
      env_(resolve_environment(project_->config, selection)),
      graph_(std::make_shared<const Graph>(project_->migrations)) {}

Workspace::Workspace(const Workspace& base, Environment env)
    : project_(base.project_), env_(std::move(env)), graph_(base.graph_) {}

Workspace::Workspace(const std::string& root, const EnvSelection& selection, const Alongside& alongside) {
  project_->config = load_config(root);
  auto load_files = [this] {
    project_->migrations = load_migrations(project_->config);
    graph_ = std::make_shared<const Graph>(project_->migrations);
  };
  std::exception_ptr env_error;
  try {
    env_ = resolve_environment(project_->config, selection);
  } catch (...) {
    env_error = std::current_exception();
  }
  if (env_error) {  // the files' errors come first, as in the constructor above
    load_files();
    std::rethrow_exception(env_error);
  }
  std::exception_ptr files_error, alongside_error;
  SpreadThread files([&] {
    try {
      load_files();
    } catch (...) {
      files_error = std::current_exception();
    }
  });
  try {
    alongside(project_->config, env_);
  } catch (...) {
    alongside_error = std::current_exception();
  }
  files.join();
  if (files_error) std::rethrow_exception(files_error);
  if (alongside_error) std::rethrow_exception(alongside_error);
}

DriverOptions driver_options(const Config& config, const Environment& env) {
  DriverOptions options;
  options.state_schema = config.state_schema;
  options.runner_lock = env.settings.runner_lock;
  options.lease_ttl = env.settings.lease_ttl;
  return options;
}

std::unique_ptr<Driver> Workspace::connect(OpenMode mode) const {
  return open_driver(env_.database, mode, driver_options(project_->config, env_));
}

std::unique_ptr<Driver> Workspace::connect_to_write(Millis lock_wait) const {
  auto driver = connect(OpenMode::kReadWrite);
  driver->lock().acquire(lock_wait);
  driver->state().ensure();
  return driver;
}

}  // namespace trellis
