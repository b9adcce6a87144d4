// pg_checkpoints.h — <schema>.backfills on PostgreSQL: checkpoints of batched backfills.
#pragma once

#include <string>
#include <vector>

#include "db/pg_connection.h"
#include "trellis/backfill.h"

namespace trellis::pg {

class Checkpoints {
 public:
  Checkpoints(Connection& connection, const std::string& schema);

  // Creates the table if missing (serialised like the other state tables).
  void ensure();
  std::string ddl() const;
  // Upsert; leaves pause_requested of an existing row alone.
  void save(const BackfillCheckpoint& c);
  std::vector<BackfillCheckpoint> load();  // by id; empty when the table is absent
  bool request_pause(const std::string& id, PauseRequest request);
  bool remove(const std::string& id);  // false: no such row (or no table)

 private:
  bool exists();

  Connection& connection_;
  std::string schema_;
  std::string table_;  // quoted "<schema>".backfills
};

}  // namespace trellis::pg
