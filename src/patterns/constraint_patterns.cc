// Indexes and constraints without long locks: CREATE INDEX CONCURRENTLY, NOT VALID then
// VALIDATE, unique index then ADD CONSTRAINT … USING INDEX. PostgreSQL SQL.
#include "patterns/pattern_file.h"
#include "util/text.h"

namespace trellis {
namespace {

constexpr const char* kNothingToUndo = "SELECT 1;  -- nothing to undo here: the previous step's down section does it";

// "a, b" -> checked columns "a, b" and the name part "a_b".
std::pair<std::string, std::string> columns_of(const PatternOptions& o, const std::string& pattern) {
  require_value(o.column, "--column", pattern);
  auto cols = split_list(o.column, ',');
  for (const auto& c : cols) require_identifier(c, "--column", pattern);
  return {join(cols, ", "), join(cols, "_")};
}

}  // namespace

std::vector<FileSpec> add_index(const PatternOptions& o) {
  const std::string p = "add-index";
  require_identifier(o.table, "--table", p);
  auto [cols, part] = columns_of(o, p);
  std::string ix = "ix_" + bare(o.table) + "_" + part;
  FileSpec f{"index_" + bare(o.table) + "_" + part,
             {"Add index " + ix + " without blocking writes (CONCURRENTLY, outside a transaction)."}};
  f.tx = TxMode::kNone;
  f.up = "CREATE INDEX CONCURRENTLY IF NOT EXISTS " + ix + " ON " + o.table + " (" + cols + ");";
  f.down = "DROP INDEX CONCURRENTLY IF EXISTS " + ix + ";";
  return {f};
}

std::vector<FileSpec> add_foreign_key(const PatternOptions& o) {
  const std::string p = "add-foreign-key";
  require_identifier(o.table, "--table", p);
  require_identifier(o.column, "--column", p);
  require_identifier(o.ref_table, "--ref-table", p);
  std::string ref_col = o.ref_column.empty() ? "id" : o.ref_column;
  require_identifier(ref_col, "--ref-column", p);
  std::string fk = "fk_" + bare(o.table) + "_" + o.column;
  FileSpec add{"add_" + fk, {"Foreign key " + bare(o.table) + "." + o.column + " -> " + bare(o.ref_table) + "." +
                                 ref_col + ", step 1 of 2 (expand)",
                             "NOT VALID: checked for new rows at once, existing rows not scanned."}};
  add.up = "ALTER TABLE " + o.table + " ADD CONSTRAINT " + fk + " FOREIGN KEY (" + o.column + ") REFERENCES " +
           o.ref_table + " (" + ref_col + ") NOT VALID;";
  add.down = "ALTER TABLE " + o.table + " DROP CONSTRAINT IF EXISTS " + fk + ";";
  FileSpec val{"validate_" + fk, {"Foreign key " + fk + ", step 2 of 2 (expand)",
                                  "Checks the existing rows under SHARE UPDATE EXCLUSIVE: reads and writes go on."}};
  val.up = "ALTER TABLE " + o.table + " VALIDATE CONSTRAINT " + fk + ";";
  val.down = kNothingToUndo;
  return {add, val};
}

std::vector<FileSpec> add_unique_constraint(const PatternOptions& o) {
  const std::string p = "add-unique-constraint";
  require_identifier(o.table, "--table", p);
  auto [cols, part] = columns_of(o, p);
  std::string key = bare(o.table) + "_" + part + "_key";
  FileSpec ix{"index_" + key, {"Unique constraint " + key + ", step 1 of 2 (expand)",
                               "The unique index, built CONCURRENTLY outside a transaction. It fails if rows",
                               "already share a value: SELECT " + cols + ", count(*) FROM " + o.table + " GROUP BY " + cols,
                               "HAVING count(*) > 1 must return nothing (lint: unique-may-fail-on-duplicates)."}};
  ix.tx = TxMode::kNone;
  ix.up = "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS " + key + " ON " + o.table + " (" + cols + ");";
  ix.down = "DROP INDEX CONCURRENTLY IF EXISTS " + key + ";";
  FileSpec add{"add_" + key, {"Unique constraint " + key + ", step 2 of 2 (expand)",
                              "Adopts the index: a brief lock, no scan. Its down drops the index with it."}};
  add.up = "ALTER TABLE " + o.table + " ADD CONSTRAINT " + key + " UNIQUE USING INDEX " + key + ";";
  add.down = "ALTER TABLE " + o.table + " DROP CONSTRAINT IF EXISTS " + key + ";";
  return {ix, add};
}

}  // namespace trellis
