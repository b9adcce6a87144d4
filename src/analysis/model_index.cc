// model_index.cc — CREATE INDEX and REINDEX.
#include "analysis/model.h"

namespace trellis::analysis {
namespace {

// "(a, b)" of the index's plain columns; "" when one is an expression.
std::string column_list(const Json& params) {
  std::string out;
  if (!params.is_array()) return out;
  for (const auto& p : params) {
    std::string col = str(field(p, "IndexElem"), "name");
    if (col.empty()) return {};
    out += (out.empty() ? "" : ", ") + col;
  }
  return out;
}

}  // namespace

void unique_over_rows(const std::string& table, const std::string& what, const std::string& columns,
                      const std::string& how, int location, Builder& b) {
  std::string cols = columns.empty() ? "the indexed columns" : columns;
  b.hazard("unique-may-fail-on-duplicates", table,
           what + " is built over the existing rows of " + table + ": it fails if two rows share a value of (" + cols +
               "), and " + how,
           columns.empty() ? "find duplicates first and remove or merge them in an earlier backfill migration"
                           : "find duplicates first (SELECT " + columns + ", count(*) FROM " + table + " GROUP BY " + columns +
                                 " HAVING count(*) > 1) and remove or merge them in an earlier backfill migration",
           location)
      .only_existing_table = true;
}

void model_index(const Json& stmt, Builder& b) {
  const Json& rel = field(stmt, "relation");
  std::string table = range_var_name(rel);
  std::string index = str(stmt, "idxname");
  bool concurrent = flag(stmt, "concurrent");
  int loc = node_location(rel);
  b.use(ObjectKind::kIndex, index, Access::kCreate, loc);
  b.use(ObjectKind::kTable, table, Access::kReference, loc);
  const Json& params = field(stmt, "indexParams");
  int columns = 0;
  if (params.is_array()) {
    for (const auto& p : params) {
      std::string col = str(field(p, "IndexElem"), "name");
      if (!col.empty()) b.use(ObjectKind::kColumn, table + "." + col, Access::kReference, loc);
      ++columns;
    }
  }
  if (!index.empty()) b.state().index_tables[index] = table;
  b.lock(table, concurrent ? LockLevel::kShareUpdateExclusive : LockLevel::kShare);
  b.scans();
  if (concurrent) {
    b.concurrently();
    b.hazard("concurrently-in-transaction", table,
             "CREATE INDEX CONCURRENTLY cannot run inside a transaction block; this migration runs in one and will fail",
             "add `-- transaction: false` to this migration (keep it to this one statement)")
        .only_in_transaction = true;
    // Off by default: Trellis drops the INVALID leftover of a failed build and retries it
    // itself; this matters only when another runner (psql) runs the file.
    if (!flag(stmt, "if_not_exists")) {
      b.hazard("prefer-robust-stmts", table,
               "CREATE INDEX CONCURRENTLY outside a transaction: run by a tool other than Trellis, a build that fails half-way leaves an INVALID index and a retry fails because it already exists",
               "use CREATE INDEX CONCURRENTLY IF NOT EXISTS, and drop an INVALID leftover before retrying (Trellis does both itself)")
          .only_without_transaction = true;
    }
  } else {
    b.hazard("require-concurrent-index", table,
             "CREATE INDEX on existing table " + table + " holds a SHARE lock for the whole build, which " +
                 lock_effect(LockLevel::kShare),
             "use CREATE INDEX CONCURRENTLY (SHARE UPDATE EXCLUSIVE: reads and writes proceed) in a migration with `-- transaction: false`")
        .only_existing_table = true;
  }
  if (flag(stmt, "unique")) {
    std::string how = concurrent ? "the failed build leaves an INVALID index behind, which Trellis drops before it retries; every retry fails the same way until the duplicates are gone"
                                 : "the migration rolls back";
    unique_over_rows(table, "unique index " + index, column_list(params), how, loc, b);
  }
  // A unique index needs every column of its key: there is no narrower index to suggest.
  if (columns > 3 && !flag(stmt, "unique")) {
    b.hazard("index-too-many-columns", table,
             "index " + index + " has " + std::to_string(columns) + " columns; indexes over more than three columns are rarely used fully and slow every write",
             "index the most selective two or three columns");
  }
}

void model_reindex(const Json& stmt, Builder& b) {
  const Json& rel = field(stmt, "relation");
  std::string kind = str(stmt, "kind");
  std::string name = range_var_name(rel);
  bool concurrent = false;
  const Json& params = field(stmt, "params");
  if (params.is_array()) {
    for (const auto& p : params) {
      if (str(field(p, "DefElem"), "defname") == "concurrently") concurrent = true;
    }
  }
  bool on_index = kind == "REINDEX_OBJECT_INDEX";
  if (kind == "REINDEX_OBJECT_SYSTEM") {  // the catalogs: no CONCURRENTLY form exists
    b.use(ObjectKind::kOther, str(stmt, "name"), Access::kAlter);
    return;
  }
  std::string table = name;
  if (on_index) {
    b.use(ObjectKind::kIndex, name, Access::kAlter, node_location(rel));
    auto it = b.state().index_tables.find(name);
    table = it == b.state().index_tables.end() ? std::string() : it->second;
  } else {
    b.use(ObjectKind::kTable, name, Access::kAlter, node_location(rel));
  }
  b.lock(table.empty() ? name : table,
         concurrent ? LockLevel::kShareUpdateExclusive : LockLevel::kShare);
  if (concurrent) {
    b.concurrently();
    b.hazard("concurrently-in-transaction", table,
             "REINDEX CONCURRENTLY cannot run inside a transaction block; this migration runs in one and will fail",
             "add `-- transaction: false` to this migration")
        .only_in_transaction = true;
    return;
  }
  Hazard& h = b.hazard("require-concurrent-reindex", table,
                       "REINDEX takes a SHARE lock on the table, which " + std::string(lock_effect(LockLevel::kShare)) +
                           ", and an ACCESS EXCLUSIVE lock on the index, which blocks reads that use it",
                       "use REINDEX ... CONCURRENTLY in a migration with `-- transaction: false`");
  h.only_existing_table = true;
  h.help_before_version = 12;  // no REINDEX CONCURRENTLY to suggest
  h.help_before = "this PostgreSQL has no REINDEX CONCURRENTLY (12+): build a replacement with CREATE INDEX CONCURRENTLY, then DROP INDEX CONCURRENTLY the old one and rename the new one (migrations with `-- transaction: false`)";
}

}  // namespace trellis::analysis
