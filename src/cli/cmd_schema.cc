// cmd_schema.cc — `trellis schema [--json]`: the live database's schema as Trellis'
// normalized model (trellis/schema.h), read on a read-only connection.
#include "cli/commands.h"
#include "cli/output.h"
#include "trellis/schema.h"

namespace trellis::cli {

Runner setup_schema(CLI::App& sub, const Globals& g) {
  auto json = std::make_shared<bool>(false);
  sub.add_flag("--json", *json,
               "The model as one JSON object: {\"backend\", \"objects\": [{\"kind\", \"name\", \"parent\", "
               "\"properties\"}]}");
  sub.footer(
      "Prints the schema of the environment's database (-e ENV, --database URL) as Trellis reads it from the "
      "catalog: one block per object (extensions, schemas, types, domains, sequences, tables, columns, "
      "constraints, indexes, views, materialized views, functions, procedures, triggers, policies), in a stable "
      "order, with its properties. Trellis' own state tables, objects that belong to an extension, other "
      "migration tools' history tables, ownership and grants are left out. This is the model `check` compares. "
      "Opens the database read-only and changes nothing. Exit status: 0, 2 for bad configuration or an object "
      "Trellis cannot read, 3 when the database cannot be reached.");
  return [&g, json]() {
    Config config = load_config(g.dir);
    Environment env = resolve_environment(config, g.selection());
    auto driver = open_driver(env.database, OpenMode::kReadOnly, driver_options(config, env));
    SchemaModel model = driver->catalog().read_schema();
    if (*json) {
      Output::get().json_line(render_schema_json(model));
      return 0;
    }
    std::string text = render_schema_text(model);
    std::fwrite(text.data(), 1, text.size(), stdout);
    return 0;
  };
}

}  // namespace trellis::cli
