// test_project.h — a trellis project in a temporary directory, and the trellis binary run
// in it.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "process.h"
#include "temp_dir.h"
#include "toml_builder.h"

namespace trellis_test {

class TestProject {
 public:
  TestProject();
  const std::string& root() const { return dir_.path(); }
  std::string path(const std::string& relative) const { return root() + "/" + relative; }

  void write(const std::string& relative, const std::string& content) const;
  void write_config(const TomlBuilder& config) const;  // trellis.toml
  // trellis.toml with one environment "dev" on `database_url`, all features released.
  void write_simple_config(const std::string& database_url) const;
  // migrations/<feature>/<file> (file like "0001_init.sql").
  void write_migration(const std::string& feature, const std::string& file,
                       const std::string& content) const;
  void remove(const std::string& relative) const;

  // Arguments every run passes before its own (e.g. {"-e", "pg", "--no-color"}), and
  // variables set in every run's environment.
  void set_leading_args(std::vector<std::string> args) { leading_args_ = std::move(args); }
  void set_env(const std::string& name, const std::string& value) { env_[name] = value; }

  // Runs trellis in the project directory and waits (60 s at most).
  RunResult run(const std::vector<std::string>& args) const;
  RunResult run(const std::vector<std::string>& args,
                const std::map<std::string, std::string>& env) const;
  // Starts trellis in the background; Child::finish() collects its result.
  std::unique_ptr<Child> start(const std::vector<std::string>& args) const;
  RunOptions options(const std::vector<std::string>& args) const;

 private:
  TempDir dir_;
  std::vector<std::string> leading_args_;
  std::map<std::string, std::string> env_;
};

// A migration file: directives, then `-- +up` with `up`, then `-- +down` with `down`
// when given (no down section otherwise).
std::string migration(const std::string& directives, const std::string& up,
                      const std::optional<std::string>& down = std::nullopt);

// One SQL statement that takes about `seconds` inside a migration: a CPU-burning
// recursive CTE on SQLite, pg_sleep on PostgreSQL.
std::string slow_statement(const std::string& backend, double seconds);

// Configures `project` as a script would drive trellis: [project] with migrations and
// state_schema "trellis", `defaults_toml` in [defaults], one environment `env` on
// `database_url` (all features, contracts allowed); every run passes
// `-C ROOT -e ENV --no-color` and has NO_COLOR=1.
void configure_scripted(TestProject& project, const std::string& database_url,
                        const std::string& env = "pg", const std::string& defaults_toml = "");

}  // namespace trellis_test
