// schema_diff.cc — comparing the schemas of two sources (trellis/schema_diff.h).
#include "trellis/schema_diff.h"

#include <filesystem>

#include "trellis/error.h"
#include "trellis/workspace.h"
#include "util/text.h"

namespace trellis {
namespace {

SchemaSource from_database(const std::string& label, const std::string& url, const DriverOptions& options) {
  auto driver = open_driver(url, OpenMode::kReadOnly, options);
  return SchemaSource{label, driver->catalog().read_schema()};
}

SchemaSource from_environment(const std::string& name, const std::string& root) {
  Config config = load_config(root);
  if (config.environments.count(name) == 0) {
    std::vector<std::string> names;
    for (const auto& [env, unused] : config.environments) names.push_back(env);
    std::string known = names.empty() ? "the project has no environments" : "environments: " + join(names, ", ");
    throw Error(ErrorKind::kUsage,
                "'" + name + "' is neither a schema JSON file, a database URL nor an environment (" + known + ")",
                "write `trellis schema --json > FILE.json` to save a schema, or give a URL (postgres://…, sqlite:PATH)");
  }
  Environment env = resolve_environment(config, EnvSelection{name, ""});
  if (env.database.empty()) throw Error(ErrorKind::kConfig, "environment '" + name + "' has no database URL");
  return from_database(name + " (" + mask_url(env.database) + ")", env.database, driver_options(config, env));
}

}  // namespace

SchemaSource read_schema_source(const std::string& spec, const std::string& root) {
  std::error_code ec;
  if (spec.size() > 5 && spec.ends_with(".json") && std::filesystem::is_regular_file(spec, ec)) {
    try {
      return SchemaSource{spec, parse_schema_json(read_file(spec))};
    } catch (const Error& e) {
      throw Error(ErrorKind::kParse, spec + ": not a schema written by `trellis schema --json`: " + e.what());
    }
  }
  if (!backend_name(spec).empty()) {
    check_database_url(spec, "the database URL " + mask_url(spec));
    return from_database(mask_url(spec), spec, DriverOptions{});
  }
  return from_environment(spec, root);
}

SchemaDiffReport diff_sources(const SchemaSource& from, const SchemaSource& to, const SchemaDiffOptions& options) {
  if (from.model.backend != to.model.backend) {
    throw Error(ErrorKind::kUsage, "cannot compare a " + from.model.backend + " schema (" + from.label + ") with a " +
                                       to.model.backend + " schema (" + to.label + ")");
  }
  SchemaModel a = from.model, b = to.model;
  for (const auto& pattern : options.ignore) {
    a.remove_matching(pattern);
    b.remove_matching(pattern);
  }
  SchemaDiffReport report;
  report.differences = diff_schemas(a, b);
  DifferenceWords words{"only in " + from.label, "only in " + to.label};
  for (const auto& d : report.differences) report.lines.push_back(describe_difference(d, words));
  return report;
}

}  // namespace trellis
