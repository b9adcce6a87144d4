// pg_state.h — trellis' own tables on PostgreSQL: <schema>.migrations and <schema>.history.
#pragma once

#include <string>
#include <vector>

#include "db/pg_connection.h"
#include "trellis/state.h"

namespace trellis::pg {

class StateTables {
 public:
  StateTables(Connection& connection, std::string schema);

  // True when both tables exist. Once seen, that is remembered for the connection's life
  // (trellis never drops them), which spares a round trip per later read.
  bool exist();
  // Creates the schema and tables if missing; serialised by a transaction-level advisory
  // lock so that concurrent runners do not trip over each other's CREATE … IF NOT EXISTS.
  void ensure();
  // CREATE SCHEMA / TABLE IF NOT EXISTS for both tables (also for offline SQL).
  std::string ddl() const;
  std::vector<StateRow> load_rows();          // any order; empty when the tables are absent
  std::vector<HistoryEvent> load_history();   // by seq; empty when the tables are absent

  // One multi-statement string each (record_sql writes no history row when event.action is
  // empty: a progress update only), sent in one round trip (atomic on its own outside a
  // transaction, part of the open transaction otherwise).
  std::string record_sql(const StateRow& row, const HistoryEvent& event) const;
  std::string forget_sql(const std::string& id, const HistoryEvent& event) const;
  // record_sql() that only writes when the row is as `expected_done` says (RowGuard): a DO
  // block that raises SQLSTATE kConflictState otherwise, so that the statement, and a
  // COMMIT sent after it in the same message, fail.
  std::string guarded_record_sql(const StateRow& row, const HistoryEvent& event,
                                 int expected_done, const std::string& expected_started) const;
  // "status|statements_done|applied_by" of a migration's row now ("" when there is none).
  std::string describe_row(const std::string& id);

  static constexpr const char* kConflictState = "TRLCF";

 private:
  std::string history_insert(const HistoryEvent& event) const;
  std::string row_insert(const StateRow& row) const;
  std::string text_or_null(const std::string& text) const;
  std::string timestamp_or(const std::string& text, const std::string& fallback) const;

  Connection& connection_;
  std::string schema_;
  std::string quoted_schema_;
  bool known_to_exist_ = false;
};

}  // namespace trellis::pg
