// import_migrations: the reader of the tool, the conversion, the check, the one write.
#include <filesystem>
#include <map>

#include "import/source.h"
#include "import/writer.h"
#include "trellis/error.h"
#include "trellis/import.h"
#include "trellis/project.h"
#include "util/text.h"

namespace trellis {
namespace {

using Reader = imports::Source (*)(const std::string&, imports::Problems&);

const std::map<std::string, Reader>& readers() {
  static const std::map<std::string, Reader> table = {
      {"golang-migrate", imports::read_golang_migrate}, {"dbmate", imports::read_dbmate},
      {"goose", imports::read_goose},                   {"flyway", imports::read_flyway},
      {"sqitch", imports::read_sqitch},                 {"diesel", imports::read_diesel},
      {"alembic", imports::read_alembic},               {"dag", imports::read_dag},
  };
  return table;
}

const char* kNewConfig = R"(# Trellis project, written by `trellis import`. See the README for every setting.
[project]
migrations = "migrations"
default_env = "dev"

[defaults]
lock_timeout = "3s"          # how long one statement may wait for a lock
lock_retries = 5             # retries, with backoff, after a lock timeout

[env.dev]
database = "${DATABASE_URL}" # an unset variable is an error, never a fallback
features = "all"
allow_contract = true
)";

}  // namespace

const std::vector<std::string>& import_tool_names() {
  static const std::vector<std::string> names = {"golang-migrate", "dbmate", "goose", "flyway",
                                                 "sqitch",         "diesel", "alembic", "dag"};
  return names;
}

ImportReport import_migrations(const ImportOptions& given) {
  ImportOptions options = given;
  if (options.feature.empty()) options.feature = "core";
  if (!options.split_by.empty() && (options.split_by != "requires" || options.tool != "sqitch")) {
    throw Error(ErrorKind::kUsage, "--split-by " + options.split_by + " is not a split of " + options.tool,
                "--split-by requires splits a Sqitch plan along its changes' requires; other tools' histories are "
                "one feature");
  }
  auto reader = readers().find(options.tool);
  if (reader == readers().end()) {
    throw Error(ErrorKind::kUsage, "unknown tool '" + options.tool + "' (known: " + join(import_tool_names(), ", ") + ")");
  }
  namespace fs = std::filesystem;
  std::error_code ec;
  bool has_config = fs::exists(fs::path(options.project_dir) / "trellis.toml", ec);
  std::string migrations_dir = has_config ? load_config(options.project_dir).migrations_dir : "migrations";

  imports::Problems problems;
  imports::Source source = reader->second(options.source_dir, problems);
  if (problems.empty() && source.migrations.empty()) {
    problems.add(options.source_dir, 0, "no " + options.tool + " migrations found here");
  }
  imports::Conversion c;
  if (problems.empty()) c = imports::convert(source, options, migrations_dir, problems);
  if (!problems.empty()) {
    throw Error(ErrorKind::kParse, std::move(problems.list), "nothing was written");
  }
  for (const std::string& feature : c.report.features) {
    if (fs::exists(fs::path(options.project_dir) / migrations_dir / feature, ec)) {
      throw Error(ErrorKind::kUsage, migrations_dir + "/" + feature + " already exists; nothing written",
                  "import into a new feature with --feature NAME");
    }
  }
  fs::path manifest_path = fs::path(options.project_dir) / ".trellis-import.toml";
  std::string existing = fs::exists(manifest_path, ec) ? read_file(manifest_path.string()) : "";
  std::string manifest = imports::manifest_text(c, options, existing);
  c.report.manifest = ".trellis-import.toml";
  for (const auto& f : c.files) c.report.written.push_back(f.path);
  c.report.written.push_back(c.report.manifest);
  if (!has_config) c.report.written.push_back("trellis.toml");
  if (!options.dry_run) {
    imports::write_atomically(options.project_dir, migrations_dir, c, manifest, has_config ? "" : kNewConfig);
  }
  return c.report;
}

}  // namespace trellis
