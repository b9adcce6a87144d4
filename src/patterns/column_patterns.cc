// Column changes without downtime: add a NOT NULL column, rename a column, change its
// type, drop it. PostgreSQL SQL.
#include "patterns/pattern_file.h"

namespace trellis {
namespace {

constexpr const char* kNothingToUndo = "SELECT 1;  -- nothing to undo here: the previous step's down section does it";

std::string batch_of(const PatternOptions& o) {
  return "table=" + o.table + " key=" + o.key + " size=" + std::to_string(o.batch_size) + " pause=10ms";
}

// Keeps `from` and `to` equal whichever one the application writes: old code writes
// `from`, new code writes `to`. A backfill that fills `to` from `from` leaves `from` alone.
std::string sync_trigger(const PatternOptions& o, const std::string& from, const std::string& to,
                         const std::string& fn, const std::string& trigger) {
  return "CREATE OR REPLACE FUNCTION " + fn + "() RETURNS trigger LANGUAGE plpgsql AS $$\n"
         "BEGIN\n"
         "  IF TG_OP = 'INSERT' THEN\n"
         "    IF NEW." + to + " IS NULL THEN\n"
         "      NEW." + to + " := NEW." + from + ";\n"
         "    ELSIF NEW." + from + " IS NULL THEN\n"
         "      NEW." + from + " := NEW." + to + ";\n"
         "    END IF;\n"
         "  ELSIF NEW." + from + " IS DISTINCT FROM OLD." + from + " THEN\n"
         "    NEW." + to + " := NEW." + from + ";\n"
         "  ELSIF NEW." + to + " IS DISTINCT FROM OLD." + to + " AND NEW." + to + " IS DISTINCT FROM CAST(NEW." + from +
         " AS " + o.type + ") THEN\n"
         "    NEW." + from + " := NEW." + to + ";\n"
         "  END IF;\n"
         "  RETURN NEW;\n"
         "END\n"
         "$$;\n"
         "CREATE TRIGGER " + trigger + " BEFORE INSERT OR UPDATE ON " + o.table + "\n"
         "  FOR EACH ROW EXECUTE FUNCTION " + fn + "();";
}

// New column + sync trigger -> batched backfill -> contract: drop the old column.
std::vector<FileSpec> copy_column(const PatternOptions& o, const std::string& to, const std::string& what) {
  const std::string& from = o.column;
  std::string t = bare(o.table);
  std::string fn = t + "_sync_" + from + "_" + to, trigger = fn;
  FileSpec add{"add_" + t + "_" + to, {what + ", step 1 of 3 (expand)",
                                       "A new column kept equal to " + from + " by a trigger, whichever one is written."}};
  add.up = "ALTER TABLE " + o.table + " ADD COLUMN IF NOT EXISTS " + to + " " + o.type + ";\n" +
           sync_trigger(o, from, to, fn, trigger);
  add.down = "DROP TRIGGER IF EXISTS " + trigger + " ON " + o.table + ";\nDROP FUNCTION IF EXISTS " + fn +
             "();\nALTER TABLE " + o.table + " DROP COLUMN IF EXISTS " + to + ";";
  FileSpec fill{"backfill_" + t + "_" + to, {what + ", step 2 of 3 (backfill)",
                                             "Copies " + from + " into " + to + " for the rows written before the trigger."}};
  fill.phase = Phase::kBackfill;
  fill.batch = batch_of(o);
  fill.up = "UPDATE " + o.table + " SET " + to + " = CAST(" + from + " AS " + o.type + ")\n WHERE " + o.key +
            " > :lo AND " + o.key + " <= :hi AND " + to + " IS NULL AND " + from + " IS NOT NULL;";
  fill.down = kNothingToUndo;
  FileSpec drop{"drop_" + t + "_" + from, {what + ", step 3 of 3 (contract)",
                                           "Run once no deployed code reads or writes " + from + "."}};
  drop.phase = Phase::kContract;
  drop.up = "DROP TRIGGER IF EXISTS " + trigger + " ON " + o.table + ";\nDROP FUNCTION IF EXISTS " + fn +
            "();\nALTER TABLE " + o.table + " DROP COLUMN IF EXISTS " + from + ";";
  return {add, fill, drop};
}

}  // namespace

std::vector<FileSpec> add_not_null_column(const PatternOptions& o) {
  const std::string p = "add-not-null-column";
  require_identifier(o.table, "--table", p);
  require_identifier(o.column, "--column", p);
  require_value(o.type, "--type", p);
  require_value(o.default_expr, "--default", p);
  require_identifier(o.key, "--key", p);
  std::string t = bare(o.table), c = o.column, check = t + "_" + c + "_not_null";
  std::string what = "Add NOT NULL column " + t + "." + c;
  FileSpec add{"add_" + t + "_" + c, {what + ", step 1 of 5 (expand)",
                                      "Nullable first, with a default for the rows new and old code insert."}};
  add.up = "ALTER TABLE " + o.table + " ADD COLUMN IF NOT EXISTS " + c + " " + o.type + ";\nALTER TABLE " +
           o.table + " ALTER COLUMN " + c + " SET DEFAULT " + o.default_expr + ";";
  add.down = "ALTER TABLE " + o.table + " DROP COLUMN IF EXISTS " + c + ";";
  FileSpec fill{"backfill_" + t + "_" + c, {what + ", step 2 of 5 (backfill)", "Fills the existing rows in batches."}};
  fill.phase = Phase::kBackfill;
  fill.batch = batch_of(o);
  fill.up = "UPDATE " + o.table + " SET " + c + " = " + o.default_expr + "\n WHERE " + o.key + " > :lo AND " + o.key +
            " <= :hi AND " + c + " IS NULL;";
  fill.down = kNothingToUndo;
  FileSpec chk{"check_" + t + "_" + c + "_not_null", {what + ", step 3 of 5 (contract)",
                                                       "NOT VALID: enforced for new rows at once, no table scan."}};
  chk.phase = Phase::kContract;
  chk.up = "ALTER TABLE " + o.table + " ADD CONSTRAINT " + check + " CHECK (" + c + " IS NOT NULL) NOT VALID;";
  chk.down = "ALTER TABLE " + o.table + " DROP CONSTRAINT IF EXISTS " + check + ";";
  FileSpec val{"validate_" + t + "_" + c + "_not_null", {what + ", step 4 of 5 (contract)",
                                                          "Scans the table under SHARE UPDATE EXCLUSIVE: reads and writes go on."}};
  val.phase = Phase::kContract;
  val.up = "ALTER TABLE " + o.table + " VALIDATE CONSTRAINT " + check + ";";
  val.down = kNothingToUndo;
  FileSpec set{"set_" + t + "_" + c + "_not_null", {what + ", step 5 of 5 (contract)",
                                                     "The validated CHECK lets SET NOT NULL skip the scan; then it goes."}};
  set.phase = Phase::kContract;
  set.up = "ALTER TABLE " + o.table + " ALTER COLUMN " + c + " SET NOT NULL;\nALTER TABLE " + o.table +
           " DROP CONSTRAINT IF EXISTS " + check + ";";
  set.down = "ALTER TABLE " + o.table + " ADD CONSTRAINT " + check + " CHECK (" + c + " IS NOT NULL) NOT VALID;\n" +
             "ALTER TABLE " + o.table + " ALTER COLUMN " + c + " DROP NOT NULL;";
  return {add, fill, chk, val, set};
}

std::vector<FileSpec> rename_column(const PatternOptions& o) {
  const std::string p = "rename-column";
  require_identifier(o.table, "--table", p);
  require_identifier(o.column, "--column", p);
  require_identifier(o.new_name, "--new-name", p);
  require_value(o.type, "--type", p);
  require_identifier(o.key, "--key", p);
  return copy_column(o, o.new_name, "Rename " + bare(o.table) + "." + o.column + " to " + o.new_name);
}

std::vector<FileSpec> change_column_type(const PatternOptions& o) {
  const std::string p = "change-column-type";
  require_identifier(o.table, "--table", p);
  require_identifier(o.column, "--column", p);
  require_value(o.type, "--type", p);
  require_identifier(o.key, "--key", p);
  std::string to = o.new_name.empty() ? o.column + "_new" : o.new_name;
  require_identifier(to, "--new-name", p);
  return copy_column(o, to, "Change " + bare(o.table) + "." + o.column + " to " + o.type + " as " + to);
}

std::vector<FileSpec> drop_column(const PatternOptions& o) {
  const std::string p = "drop-column";
  require_identifier(o.table, "--table", p);
  require_identifier(o.column, "--column", p);
  FileSpec drop{"drop_" + bare(o.table) + "_" + o.column,
                {"Drop column " + bare(o.table) + "." + o.column + " (contract)",
                 "Run once no deployed code reads or writes it."}};
  drop.phase = Phase::kContract;
  drop.up = "ALTER TABLE " + o.table + " DROP COLUMN IF EXISTS " + o.column + ";";
  return {drop};
}

}  // namespace trellis
