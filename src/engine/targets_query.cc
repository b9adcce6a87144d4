// The targets of `trellis fleet --targets-query SQL --catalog URL`: rows of a query on a
// catalog database (trellis/fleet.h).
#include <set>

#include "project/interpolate.h"
#include "trellis/error.h"
#include "trellis/fleet.h"

namespace trellis {
namespace {

const char* kOrigin = "--targets-query";

[[noreturn]] void bad_query(const std::string& message, const std::string& hint = {}) {
  throw Error(ErrorKind::kUsage, std::string(kOrigin) + ": " + message,
              hint.empty() ? "the query returns one row per target with columns name, database and (optionally) env"
                           : hint);
}

// The index of column `name` in `rows`, or -1.
int column_of(const Rows& rows, const std::string& name) {
  for (std::size_t i = 0; i < rows.columns.size(); ++i) {
    if (rows.columns[i] == name) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace

std::vector<FleetTarget> query_targets(const std::string& catalog_url, const std::string& sql,
                                       const std::string& root) {
  check_database_url(catalog_url, "--catalog");
  std::string url = anchor_database_url(catalog_url, root);
  Rows rows;
  {
    auto catalog = open_driver(url, OpenMode::kReadOnly, DriverOptions{});
    try {
      rows = catalog->connection().query(sql);
    } catch (const SqlError& e) {
      if (e.kind() == ErrorKind::kConnection) throw;
      bad_query(std::string(e.what()) + " (on " + mask_url(catalog_url) + ")", "check the query: " + sql);
    }
  }
  int name = column_of(rows, "name"), database = column_of(rows, "database"), env = column_of(rows, "env");
  if (name < 0 || database < 0) bad_query("the query returned no 'name' or no 'database' column");
  if (rows.empty()) bad_query("the query returned no targets");
  std::vector<FleetTarget> targets;
  std::set<std::string> seen;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    FleetTarget t;
    t.file = kOrigin;
    t.line = static_cast<int>(r + 1);  // the row
    std::string where = std::string(kOrigin) + ":" + std::to_string(t.line) + ": ";
    auto value = [&](int column, const char* what) {
      auto v = rows.at(r, static_cast<std::size_t>(column));
      if (!v || v->empty()) bad_query("row " + std::to_string(t.line) + " has no " + what);
      return *v;
    };
    t.name = value(name, "name");
    if (!seen.insert(t.name).second) bad_query("two rows name the target '" + t.name + "'");
    t.database = interpolate_variables(value(database, "database"), where + "target '" + t.name + "': ", "database");
    if (env >= 0) t.env = rows.at(r, static_cast<std::size_t>(env)).value_or("");
    targets.push_back(std::move(t));
  }
  return targets;
}

}  // namespace trellis
