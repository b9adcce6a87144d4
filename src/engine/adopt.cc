// The adopt use case: the other tool's history, mapped through the import manifest to
// Trellis migrations, recorded as applied in one transaction (history action `adopt`).
#include "trellis/adopt.h"

#include <algorithm>
#include <map>
#include <set>

#include "engine/adopt_schema.h"
#include "engine/bookkeeping.h"
#include "engine/foreign_history.h"
#include "import/source_files.h"
#include "trellis/driver.h"
#include "trellis/error.h"
#include "trellis/import.h"
#include "util/clock.h"
#include "util/text.h"

namespace trellis {
namespace {

struct Decision {
  std::string table;
  std::vector<std::pair<Node, std::string>> adopt;  // node, source version
  std::vector<std::string> already;
  std::vector<Node> recorded;  // every migration Trellis records as applied already
};

// Whether a history row of `project` (Sqitch; "" for other tools) belongs to what was
// imported: a Sqitch registry holds the changes of every project deployed to it.
bool of_imported_project(const std::vector<ManifestEntry>& entries, const std::string& project) {
  if (project.empty()) return true;
  for (const auto& e : entries) {
    if (e.project.empty() || e.project == project) return true;
  }
  return false;
}

// Alembic: each head's entry and, through the recorded source_parents, every revision it
// descends from (alembic_version holds heads only).
std::vector<const ManifestEntry*> with_ancestors(const std::vector<ManifestEntry>& entries, const ForeignHistory& h,
                                                 std::vector<std::string>& missing) {
  std::map<std::string, const ManifestEntry*> by_version;
  for (const auto& e : entries) by_version.emplace(e.source_version, &e);
  std::vector<const ManifestEntry*> out;
  std::set<const ManifestEntry*> seen;
  std::vector<std::string> stack(h.applied.rbegin(), h.applied.rend());
  while (!stack.empty()) {
    std::string v = stack.back();
    stack.pop_back();
    auto it = by_version.find(v);
    if (it == by_version.end()) {
      if (std::find(missing.begin(), missing.end(), v) == missing.end()) missing.push_back(v);
      continue;
    }
    if (!seen.insert(it->second).second) continue;
    out.push_back(it->second);
    stack.insert(stack.end(), it->second->source_parents.rbegin(), it->second->source_parents.rend());
  }
  return out;
}

// The manifest entries of `tool` that the history lists as applied (or implies, up to a
// version or a baseline).
std::vector<const ManifestEntry*> listed_entries(const std::vector<ManifestEntry>& entries, const std::string& tool,
                                                 const ForeignHistory& h, std::vector<std::string>& missing) {
  std::vector<const ManifestEntry*> out;
  std::map<std::string, int> seen;  // Sqitch: a reworked change is deployed once per instance
  for (std::size_t i = 0; i < h.applied.size(); ++i) {
    const std::string& v = h.applied[i];
    std::string project = i < h.projects.size() ? h.projects[i] : "";
    if (!of_imported_project(entries, project)) continue;  // another Sqitch project's change
    int wanted = seen[project + ":" + v]++;
    const ManifestEntry* found = nullptr;
    for (const auto& e : entries) {
      bool same_project = e.project.empty() || project.empty() || e.project == project;
      if (same_project && same_source_version(tool, e.source_version, v) && wanted-- == 0) {
        found = &e;
        break;
      }
    }
    if (found == nullptr) missing.push_back(v);
    else out.push_back(found);
  }
  if (h.up_to || h.baseline) {
    const std::string& limit = h.up_to ? *h.up_to : *h.baseline;
    bool limit_known = !h.up_to;
    for (const auto& e : entries) {
      bool numeric = tool == "flyway" ? imports::flyway_version_valid(e.source_version)
                                      : imports::all_digits(e.source_version);
      if (!numeric) continue;
      int c = tool == "flyway" ? imports::compare_flyway_versions(e.source_version, limit)
                               : imports::compare_integer_versions(e.source_version, limit);
      if (c == 0) limit_known = true;
      if (c <= 0 && std::find(out.begin(), out.end(), &e) == out.end()) out.push_back(&e);
    }
    if (!limit_known) missing.push_back(limit);
  }
  return out;
}

// The manifest entries of `tool` that the history says are applied.
std::vector<const ManifestEntry*> applied_entries(const std::vector<ManifestEntry>& entries, const std::string& tool,
                                                  const ForeignHistory& h) {
  std::vector<std::string> missing;
  std::vector<const ManifestEntry*> out =
      h.heads_only ? with_ancestors(entries, h, missing) : listed_entries(entries, tool, h, missing);
  if (!missing.empty()) {
    throw Error(ErrorKind::kPlan,
                h.table + " records " + tool + " version(s) the imported files lack: " + join(missing, ", "),
                "import the migration files this database was migrated with (the source directory may be older "
                "than the database), then adopt again");
  }
  return out;
}

Decision decide(const Workspace& ws, Driver& driver, const std::string& tool, const std::vector<ManifestEntry>& entries) {
  HistoryTable table;
  for (const auto& e : entries) {
    if (table.name.empty() && !e.history_table.empty()) table = HistoryTable{e.history_table, e.history_schema};
  }
  ForeignHistory h = read_foreign_history(driver.connection(), tool, table);
  Decision d;
  d.table = h.table;
  StateIndex state(driver.state().load_rows());
  for (Node n = 0; n < ws.graph().size(); ++n) {
    if (state.applied(ws.graph(), n)) d.recorded.push_back(n);
  }
  for (const ManifestEntry* e : applied_entries(entries, tool, h)) {
    auto node = ws.graph().find(e->id);
    if (!node) {
      throw Error(ErrorKind::kPlan, e->id + " (" + tool + " version " + e->source_version +
                                        ") is in .trellis-import.toml but not in the migrations",
                  "restore its file, then adopt again");
    }
    const StateRow* row = state.find(e->id);
    if (row != nullptr && row->status == RecordStatus::kApplied) {
      d.already.push_back(e->id);
      continue;
    }
    if (row != nullptr) {
      throw Error(ErrorKind::kPlan, e->id + " is recorded by Trellis as not applied (failed or interrupted)",
                  "see 'trellis status'; once settled, adopt again");
    }
    d.adopt.emplace_back(*node, e->source_version);
  }
  std::vector<bool> set(ws.graph().size(), false);
  std::map<Node, std::string> version;
  for (const auto& [n, v] : d.adopt) {
    set[n] = true;
    version[n] = v;
  }
  d.adopt.clear();
  for (Node n : ws.graph().topo_order(set)) d.adopt.emplace_back(n, version[n]);
  return d;
}

void record(Driver& driver, const Workspace& ws, const Decision& d) {
  driver.connection().begin(Timeouts{});
  try {
    for (const auto& [n, v] : d.adopt) {
      const Migration& m = ws.graph().at(n);
      StateRow row = state_row(m, RecordStatus::kApplied, now_iso8601());
      row.finished_at = row.started_at;
      driver.state().record(row, history_event(m, "adopt"));
    }
    driver.connection().commit();
  } catch (...) {
    driver.connection().rollback();
    throw;
  }
}

// What the database will have applied once `d` is recorded: the adopted and the applied.
std::vector<Node> applied_after(const Decision& d) {
  std::vector<Node> out = d.recorded;
  for (const auto& [n, v] : d.adopt) out.push_back(n);
  return out;
}

}  // namespace

AdoptReport adopt_database(const Workspace& ws, const std::string& tool, const AdoptOptions& options) {
  std::vector<ManifestEntry> entries;
  for (auto& e : read_import_manifest(ws.project().config.root)) {
    if (e.tool == tool) entries.push_back(std::move(e));
  }
  if (entries.empty()) {
    throw Error(ErrorKind::kPlan, "no migrations imported from " + tool + " in .trellis-import.toml",
                "run 'trellis import --from " + tool + " DIR' first: adopt maps the database's history through it");
  }
  if (opening_creates(ws.env().database)) {  // a SQLite file that is not there: nothing migrated it
    throw Error(ErrorKind::kPlan, mask_url(ws.env().database) + " does not exist, so " + tool + " has no history there",
                "give the database " + tool + " migrated (--database URL, or the environment's database in trellis.toml)");
  }
  AdoptReport r;
  auto driver = ws.connect(OpenMode::kReadOnly);
  Decision d = decide(ws, *driver, tool, entries);
  if (options.schema_check && !d.adopt.empty()) {
    check_adopted_schema(ws, *driver, applied_after(d), options, r, d.table);
  }
  if (!options.dry_run && !d.adopt.empty()) {
    driver = ws.connect_to_write(ws.env().settings.runner_lock_wait);
    Decision locked = decide(ws, *driver, tool, entries);
    if (options.schema_check && applied_after(locked) != applied_after(d)) {
      check_adopted_schema(ws, *driver, applied_after(locked), options, r, locked.table);
    }
    d = std::move(locked);
    record(*driver, ws, d);
  }
  r.tool = tool;
  r.history_table = d.table;
  for (const auto& [n, v] : d.adopt) {
    r.nodes.push_back(n);
    r.source_versions.push_back(v);
  }
  r.already = d.already;
  r.target = driver->display_target();
  return r;
}

}  // namespace trellis
