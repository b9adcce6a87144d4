// test_project.cc — temporary projects, migration files, and trellis run in them.
#include "test_project.h"

#include <filesystem>

namespace trellis_test {

namespace fs = std::filesystem;

TestProject::TestProject() = default;

void TestProject::write(const std::string& relative, const std::string& content) const {
  write_file(path(relative), content);
}

void TestProject::write_config(const TomlBuilder& config) const {
  write("trellis.toml", config.text());
}

void TestProject::write_simple_config(const std::string& database_url) const {
  write_config(TomlBuilder().set("env.dev", "database", database_url).set("env.dev", "features",
                                                                           "all"));
}

void TestProject::write_migration(const std::string& feature, const std::string& file,
                                  const std::string& content) const {
  write("migrations/" + feature + "/" + file, content);
}

void TestProject::remove(const std::string& relative) const { fs::remove(path(relative)); }

RunOptions TestProject::options(const std::vector<std::string>& args) const {
  RunOptions options;
  options.args = leading_args_;
  options.args.insert(options.args.end(), args.begin(), args.end());
  options.cwd = root();
  options.env = env_;
  return options;
}

RunResult TestProject::run(const std::vector<std::string>& args) const {
  return run_process(options(args));
}

RunResult TestProject::run(const std::vector<std::string>& args,
                           const std::map<std::string, std::string>& env) const {
  RunOptions opts = options(args);
  for (const auto& [name, value] : env) opts.env[name] = value;
  return run_process(opts);
}

std::unique_ptr<Child> TestProject::start(const std::vector<std::string>& args) const {
  return start_process(options(args));
}

std::string migration(const std::string& directives, const std::string& up,
                      const std::optional<std::string>& down) {
  std::string text = directives;
  if (!text.empty() && text.back() != '\n') text += '\n';
  text += "-- +up\n" + up;
  if (!text.empty() && text.back() != '\n') text += '\n';
  if (down) {
    text += "\n-- +down\n" + *down;
    if (text.back() != '\n') text += '\n';
  }
  return text;
}

std::string slow_statement(const std::string& backend, double seconds) {
  if (backend == "postgres") return "SELECT pg_sleep(" + std::to_string(seconds) + ");";
  // About ten million rows a second on one core of the CI machines.
  long rows = static_cast<long>(seconds * 10'000'000);
  return "WITH RECURSIVE burn(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM burn WHERE x < " +
         std::to_string(rows) + ") SELECT count(*) FROM burn;";
}

void configure_scripted(TestProject& project, const std::string& database_url,
                        const std::string& env, const std::string& defaults_toml) {
  project.write_config(TomlBuilder()
                           .set("project", "migrations", "migrations")
                           .set("project", "state_schema", "trellis")
                           .lines("defaults", defaults_toml)
                           .set("env." + env, "database", database_url)
                           .set("env." + env, "features", "all")
                           .set("env." + env, "allow_contract", true));
  fs::create_directories(project.path("migrations"));
  project.set_leading_args({"-C", project.root(), "-e", env, "--no-color"});
  project.set_env("NO_COLOR", "1");
}

}  // namespace trellis_test
