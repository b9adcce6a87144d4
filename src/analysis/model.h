// model.h — internal: the builder each statement handler fills in, and parse-tree helpers.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "sql/json_tree.h"
#include "sql/pg_parse.h"
#include "trellis/analysis.h"

namespace trellis::analysis {

// The parse trees come from the sql layer.
using sql::Json;
using sql::JsonTree;
using sql::LineMap;
using sql::ParsedStatement;
using sql::parse_statements;

// What earlier statements of the same migration did.
struct MigrationState {
  std::set<std::string> created_tables;
  std::set<std::string> created_columns;            // "table.column" added here
  std::map<std::string, std::string> index_tables;  // index created here -> its table
  // "table.constraint" added NOT VALID -> the lock that ADD CONSTRAINT took on the table
  std::map<std::string, LockLevel> not_valid_constraints;
  // The strongest lock earlier statements of the open transaction hold on each table, and
  // the line of the statement that took it (cleared by COMMIT).
  struct Held {
    LockLevel level = LockLevel::kNone;
    int line = 0;
  };
  std::map<std::string, Held> held_locks;
  bool has_ddl = false;
};

// A range-mode backfill body (`-- batch: table=T key=K`): the batch's table and key, and
// the `:name` parameters by the offset of their ':' in the section.
struct BackfillWindow {
  std::string table;
  std::string key;
  std::map<int, std::string> params;  // "lo", "hi", "size"
};

class Builder {
 public:
  Builder(const LineMap& lines, const ParsedStatement& stmt, StatementInfo& info,
          MigrationState& state)
      : lines_(lines), stmt_(stmt), info_(info), state_(state) {}

  void use(ObjectKind kind, const std::string& name, Access access, int location = -1,
           const std::string& new_name = {});
  void lock(const std::string& table, LockLevel level);
  Hazard& hazard(const std::string& rule, const std::string& table, std::string message,
                 std::string help, int location = -1);
  void constraint(ConstraintFact fact) { info_.constraints.push_back(std::move(fact)); }
  void rewrites() { info_.rewrites_table = true; info_.scans_table = true; }
  void scans() { info_.scans_table = true; }
  void concurrently() { info_.concurrently = true; }

  bool is_new_table(const std::string& table) const {
    return state_.created_tables.count(table) > 0;
  }
  // Created earlier in this migration, with its table or on its own: no code uses it yet.
  bool is_new_column(const std::string& table, const std::string& column) const {
    return is_new_table(table) || state_.created_columns.count(table + "." + column) > 0;
  }
  MigrationState& state() { return state_; }
  StatementInfo& info() { return info_; }
  // The offset in the section of a node's "location" (the statement's start when -1).
  int offset_of(int location) const { return location >= 0 ? stmt_.base + location : stmt_.offset; }

 private:
  void place(int location, int& line, int& col) const;
  bool conditional() const;

  const LineMap& lines_;
  const ParsedStatement& stmt_;
  StatementInfo& info_;
  MigrationState& state_;
};

// ---- parse-tree helpers (pg_nodes.cc) ----
// "schema.name" from a RangeVar, "public." dropped.
std::string range_var_name(const Json& range_var);
// Dotted name from a list of String nodes ("public." dropped).
std::string dotted_name(const Json& list);
// Last element of a list of String nodes.
std::string last_name(const Json& list);
// The type's base name as the catalog knows it ("int4", "varchar", "timestamptz").
std::string type_name(const Json& type_name_node);
// Integer typmods of a TypeName ((10) for varchar(10)), empty if none.
std::vector<long> type_mods(const Json& type_name_node);
bool type_is_array(const Json& type_name_node);
int node_location(const Json& node);  // -1 when absent
const Json& field(const Json& node, const char* key);  // null json when absent
std::string str(const Json& node, const char* key);    // "" when absent
bool flag(const Json& node, const char* key);          // false when absent
// Every RangeVar under `node` (FROM lists, subqueries, joins).
void collect_range_vars(const Json& node, std::vector<const Json*>& out);

// ---- statement handlers ----
void model_create_table(const Json& stmt, Builder& b);
void model_alter_table(const Json& stmt, Builder& b);
// An unnamed CHECK, UNIQUE or FOREIGN KEY constraint (column or table level): a hazard.
void unnamed_constraint(const std::string& table, const Json& constraint, Builder& b);
void model_column_def(const std::string& table, const Json& column_def, Builder& b,
                      bool adding_to_existing);
void model_index(const Json& stmt, Builder& b);
void model_reindex(const Json& stmt, Builder& b);
void model_drop(const Json& stmt, Builder& b);
void model_rename(const Json& stmt, Builder& b);
void model_misc(const std::string& kind, const Json& stmt, Builder& b);
void model_dml(const std::string& kind, const Json& stmt, Builder& b);
// Syntax older PostgreSQL servers reject: needs-newer-postgres hazards (model_version.cc).
void version_gates(const std::string& kind, const Json& stmt, Builder& b);
// A unique index built over the rows of `table` (CREATE UNIQUE INDEX, ADD UNIQUE /
// PRIMARY KEY): fails on duplicate data; `how` says what the failure leaves.
void unique_over_rows(const std::string& table, const std::string& what, const std::string& columns,
                      const std::string& how, int location, Builder& b);
// A range backfill's UPDATE / DELETE / INSERT … SELECT whose WHERE is not the runner's
// window `K > :lo AND K <= :hi`: a backfill-window hazard (model_backfill.cc).
void check_backfill_window(const std::string& kind, const Json& stmt, const BackfillWindow& window,
                           Builder& b);

}  // namespace trellis::analysis
