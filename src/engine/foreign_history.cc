#include "engine/foreign_history.h"

#include <map>

#include "trellis/error.h"

namespace trellis {
namespace {

Rows read(Connection& c, const std::string& table, const std::string& sql) {
  try {
    return c.query(sql);
  } catch (const SqlError& e) {
    throw Error(ErrorKind::kState, "cannot read " + table + " in " + c.display_target() + ": " + e.what(),
                "is this the database the other tool migrated (and its history table in the search path)?");
  }
}

std::string text(const std::optional<std::string>& v) { return v.value_or(""); }
bool truthy(const std::optional<std::string>& v) { return v && (*v == "t" || *v == "true" || *v == "1"); }

ForeignHistory golang_migrate(Connection& c) {
  ForeignHistory h{"schema_migrations", {}, {}, {}, {}, {}};
  Rows rows = read(c, h.table, "SELECT version, dirty FROM schema_migrations");
  if (rows.rows.empty()) return h;
  std::string version = text(rows.rows[0][0]);
  if (truthy(rows.rows[0][1])) {
    throw Error(ErrorKind::kPlan, "golang-migrate left version " + version + " dirty (it failed part-way)",
                "finish or undo that migration's changes by hand, then 'migrate force " + version +
                    "' (or the version before it), then adopt again");
  }
  h.up_to = version;
  return h;
}

ForeignHistory plain_versions(Connection& c, const std::string& table, const std::string& sql) {
  ForeignHistory h{table, {}, {}, {}, {}, {}};
  for (const auto& row : read(c, table, sql).rows) h.applied.push_back(text(row[0]));
  return h;
}

ForeignHistory goose(Connection& c) {
  ForeignHistory h{"goose_db_version", {}, {}, {}, {}, {}};
  std::map<std::string, bool> last;  // version -> applied, the latest row deciding
  std::vector<std::string> order;
  for (const auto& row : read(c, h.table, "SELECT version_id, is_applied FROM goose_db_version ORDER BY id").rows) {
    std::string v = text(row[0]);
    if (v == "0") continue;  // goose's own first row
    if (last.count(v) == 0) order.push_back(v);
    last[v] = truthy(row[1]);
  }
  for (const auto& v : order) {
    if (last[v]) h.applied.push_back(v);
  }
  return h;
}

ForeignHistory sqitch(Connection& c) {
  ForeignHistory h{"sqitch.changes", {}, {}, {}, {}, {}};
  for (const auto& row :
       read(c, h.table, "SELECT project, change FROM sqitch.changes ORDER BY committed_at, change_id").rows) {
    h.projects.push_back(text(row[0]));
    h.applied.push_back(text(row[1]));
  }
  return h;
}

ForeignHistory flyway(Connection& c) {
  ForeignHistory h{"flyway_schema_history", {}, {}, {}, {}, {}};
  std::map<std::string, bool> undone;
  Rows rows = read(c, h.table,
                   "SELECT version, script, type, success FROM flyway_schema_history ORDER BY installed_rank");
  for (const auto& row : rows.rows) {
    std::string version = text(row[0]), script = text(row[1]), type = text(row[2]);
    if (!truthy(row[3])) {
      throw Error(ErrorKind::kPlan, "flyway_schema_history has a failed row: " + script + " (version " + version + ")",
                  "undo what it left by hand and run 'flyway repair' (it removes failed rows), then adopt again");
    }
    if (type == "SCHEMA") continue;
    if (type == "BASELINE") {
      h.baseline = version;
      continue;
    }
    if (type.find("UNDO") != std::string::npos) {
      undone[version] = true;
      continue;
    }
    if (version.empty()) {  // a repeatable: R__description.sql
      std::string name = script.substr(script.rfind('/') == std::string::npos ? 0 : script.rfind('/') + 1);
      if (name.size() > 4 && name.substr(name.size() - 4) == ".sql") name = name.substr(0, name.size() - 4);
      h.applied.push_back(name);
      continue;
    }
    undone[version] = false;
    h.applied.push_back(version);
  }
  std::vector<std::string> kept;
  for (const auto& v : h.applied) {
    if (!undone.count(v) || !undone[v]) kept.push_back(v);
  }
  h.applied = kept;
  return h;
}

std::string quote_identifier(const std::string& name) {
  std::string out = "\"";
  for (char ch : name) out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return out + "\"";
}

// alembic_version holds one row per head (version_num); what they descend from is applied
// too, which adopt finds through the imported revisions' parents.
ForeignHistory alembic(Connection& c, const HistoryTable& t) {
  std::string name = t.name.empty() ? "alembic_version" : t.name;
  std::string table = t.schema.empty() ? name : t.schema + "." + name;
  std::string from = t.schema.empty() ? quote_identifier(name) : quote_identifier(t.schema) + "." + quote_identifier(name);
  ForeignHistory h = plain_versions(c, table, "SELECT version_num FROM " + from + " ORDER BY version_num");
  h.heads_only = true;
  return h;
}

}  // namespace

ForeignHistory read_foreign_history(Connection& c, const std::string& tool, const HistoryTable& table) {
  if (tool == "golang-migrate") return golang_migrate(c);
  if (tool == "dbmate") return plain_versions(c, "schema_migrations", "SELECT version FROM schema_migrations ORDER BY version");
  if (tool == "goose") return goose(c);
  if (tool == "flyway") return flyway(c);
  if (tool == "diesel") {
    return plain_versions(c, "__diesel_schema_migrations", "SELECT version FROM __diesel_schema_migrations ORDER BY version");
  }
  if (tool == "sqitch") return sqitch(c);
  if (tool == "alembic") return alembic(c, table);
  throw Error(ErrorKind::kUsage,
              "adopt reads the history of golang-migrate, dbmate, goose, flyway, sqitch, diesel and alembic, not " + tool);
}

}  // namespace trellis
