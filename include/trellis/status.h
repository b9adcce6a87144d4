// trellis/status.h — where a database stands, per feature and per migration.
#pragma once

#include <string>
#include <vector>

#include "trellis/integrity.h"
#include "trellis/plan.h"
#include "trellis/workspace.h"

namespace trellis {

// kRunning only while a runner holds the database's runner lock; a started migration
// without one is kInterrupted; kPaused only for backfills (trellis/backfill.h).
enum class MigrationState { kApplied, kPending, kFailed, kBlocked, kHeld, kRunning, kPaused, kInterrupted };
const char* migration_state_name(MigrationState s);  // "applied", "pending", …

// Reads what is under way into `state` (StateIndex::Activity), read-only and without
// waiting: the checkpoints when a backfill has a row that is not applied, the runner lock
// when some row is started or a checkpoint says running. Nothing more for a database at
// rest, so the common status and no-op apply read no more than the rows.
void read_activity(Driver& driver, StateIndex& state);

// Where a migration that has a row stands, and in words for status and findings
// ("paused after 3 batches, 150 rows; 'trellis backfill resume ID' continues it").
// Backfills (`-- batch:`) by backfill_state(); other migrations are applied, failed, or
// running / interrupted by whether a runner holds the lock.
struct RecordedState {
  MigrationState state = MigrationState::kApplied;
  std::string detail;  // empty for applied; the row's error for failed
};
RecordedState recorded_state(const Migration& m, const StateRow& row, const StateIndex& state);
// The backfill view of the same decision, for `backfill status` and the apply summary.
BackfillState backfill_state_of(const Migration& m, const StateIndex& state);

struct MigrationView {
  Node node = 0;
  MigrationState state = MigrationState::kPending;
  std::string reason;             // why held or blocked
  const StateRow* row = nullptr;  // its trellis_migrations row, if any
};

struct FeatureSummary {
  std::string name;
  bool released = true;
  int applied = 0, pending = 0, failed = 0, blocked = 0, held = 0, running = 0, paused = 0, interrupted = 0;
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
