// trellis/status.h — where a database stands, per feature and per migration.
#pragma once

#include <string>
#include <vector>

#include "trellis/integrity.h"
#include "trellis/plan.h"
#include "trellis/workspace.h"

namespace trellis {

enum class MigrationState { kApplied, kPending, kFailed, kBlocked, kHeld, kRunning };
const char* migration_state_name(MigrationState s);  // "applied", "pending", …

struct MigrationView {
  Node node = 0;
  MigrationState state = MigrationState::kPending;
  std::string reason;             // why held or blocked
  const StateRow* row = nullptr;  // its trellis_migrations row, if any
};

struct FeatureSummary {
  std::string name;
  bool released = true;
  int applied = 0, pending = 0, failed = 0, blocked = 0, held = 0, running = 0;
  std::string head;   // the highest applied migration; empty if none
  std::string phase;  // the furthest phase applied: "expand", "backfill", "contract" or ""
};

struct StatusReport {
  std::vector<MigrationView> migrations;  // in graph order (feature, number)
  std::vector<FeatureSummary> features;
  std::vector<Finding> warnings;
};

StatusReport build_status(const Workspace& ws, const StateIndex& state,
                          const std::vector<std::string>& leftovers);

// What status reads from the environment's database: read-only, never locks, never
// creates anything. Needs only the configuration, so it can run while the migration
// files load (Workspace's alongside constructor).
struct StatusInputs {
  StateIndex state;
  std::vector<std::string> leftovers;  // Driver::find_leftovers()
  std::string connection_note;         // Driver::connection_note()
  std::vector<std::string> replicas;   // streaming_replicas(): the primary's replicas
};
StatusInputs read_status_inputs(const Config& config, const Environment& env);

}  // namespace trellis
