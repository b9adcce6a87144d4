// foreign_history.h — what another migration tool's history table says is applied, read
// through the Connection seam (never written).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "trellis/connection.h"

namespace trellis {

struct ForeignHistory {
  std::string table;                    // as read, for messages
  std::vector<std::string> applied;     // versions (or change names) applied, in the tool's order
  std::optional<std::string> up_to;     // golang-migrate: every version up to this one
  std::optional<std::string> baseline;  // Flyway: versions up to its baseline count as applied
  bool heads_only = false;              // Alembic: `applied` are heads; their ancestors are applied too
};

// Where a tool keeps its history when the import recorded it (Alembic's version_table,
// version_table_schema); empty: the tool's default.
struct HistoryTable {
  std::string name, schema;
};

// Tools: golang-migrate, dbmate, goose, flyway, sqitch, diesel, alembic. Throws
// Error(kPlan) for a dirty or failed state (with the tool's own way out), Error(kState)
// when the table cannot be read, Error(kUsage) for a tool without a history reader.
ForeignHistory read_foreign_history(Connection& connection, const std::string& tool, const HistoryTable& table = {});

}  // namespace trellis
