// adopt_schema.cc — the live schema against the replay of what adopt records (adopt_schema.h).
#include "engine/adopt_schema.h"

#include <filesystem>

#include "engine/drift.h"
#include "engine/expected_cache.h"
#include "engine/replay.h"
#include "trellis/error.h"
#include "trellis/scratch.h"
#include "util/text.h"

namespace trellis {
namespace {

const char* kWayOut = "adopt anyway with --no-schema-check (then 'trellis check' reports the same drift until it is settled)";

SchemaModel replayed(const Workspace& ws, const std::vector<const Migration*>& order, const std::string& scratch_url,
                     AdoptReport& report) {
  std::unique_ptr<ScratchServer> server;
  std::unique_ptr<ScratchDatabase> db;
  try {
    server = open_scratch_server(ws.env().database, scratch_url, driver_options(ws.project().config, ws.env()));
    db = server->create();
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::kConnection) throw;
    throw Error(ErrorKind::kConnection, std::string("cannot compare the live schema with the migrations: ") + e.what(),
                e.hint() + (e.hint().empty() ? "" : "; or ") + "give a scratch database with --scratch URL, or " + kWayOut);
  }
  report.schema_scratch = db->display_name();
  if (auto failure = replay(db->driver(), order)) {
    throw Error(ErrorKind::kPlan,
                "the live schema was not compared: replaying the migrations to adopt on " + report.schema_scratch +
                    " failed at " + failure->describe(),
                "nothing was recorded; a migration that does not run on an empty database cannot be checked: " +
                    std::string(kWayOut));
  }
  return db->driver().catalog().read_schema();
}

}  // namespace

void check_adopted_schema(const Workspace& ws, Driver& live, const std::vector<Node>& applied_after,
                          const AdoptOptions& options, AdoptReport& report, const std::string& history_table) {
  std::vector<bool> set(ws.graph().size(), false);
  for (Node n : applied_after) set[n] = true;
  std::vector<const Migration*> order;
  for (Node n : ws.graph().topo_order(set)) order.push_back(&ws.graph().at(n));
  std::string scratch_url = scratch_url_for(ws, options.scratch_url, options.scratch_origin);

  ExpectedSchemaCache cache((std::filesystem::path(ws.project().config.root) / ".trellis").string());
  std::string key = expected_schema_key(backend_name(ws.env().database), order);
  std::optional<SchemaModel> expected = cache.find(key);
  report.schema_from_cache = expected.has_value();
  if (!expected) {
    expected = replayed(ws, order, scratch_url, report);
    cache.store(key, *expected);
  }
  SchemaModel actual = live.catalog().read_schema();
  if (!history_table.empty()) {  // e.g. Alembic's version_table, named in env.py
    actual.remove_matching("table:" + history_table);
    actual.remove_matching("table:" + history_table.substr(history_table.rfind('.') + 1));
  }
  for (const auto& [pattern, line] : ws.project().config.drift.ignore) {
    expected->remove_matching(pattern);
    actual.remove_matching(pattern);
  }
  report.schema_checked = true;
  std::vector<SchemaDifference> differences = diff_schemas(*expected, actual);
  if (differences.empty()) return;
  DifferenceWords words{"missing in the database", "not made by the migrations adopted"};
  std::string lines;
  for (const SchemaDifference& d : differences) lines += "\n  " + describe_difference(d, words);
  throw Error(ErrorKind::kPlan,
              "the schema of " + live.display_target() + " differs from what the " + std::to_string(order.size()) +
                  " migration(s) it would have applied make (" + std::to_string(differences.size()) +
                  " difference(s)):" + lines,
              "nothing was recorded. Make the database match the migrations (undo a change made by hand), list "
              "objects no migration owns in [drift] ignore in trellis.toml, or " + std::string(kWayOut) +
                  " and write the difference as a new migration ('trellis diff' drafts it)");
}

}  // namespace trellis
