// trellis/repair.h — fixing the bookkeeping after a failure or a manual change, what
// Flyway's `repair`, golang-migrate's `force` and Atlas' `migrate set` are for:
//   repair      failed rows: the row of a file that is gone is removed; the failure of a
//               migration whose file is present is cleared, so the next apply runs it again;
//   forget ID   the row of an applied (or failed) migration that was reverted by hand: the
//               migration is pending again.
// Nothing is run against the schema. Each change is one history event ("repair",
// "forget"), committed together.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "trellis/backfill.h"
#include "trellis/plan.h"
#include "trellis/state.h"
#include "trellis/workspace.h"

namespace trellis {

// One row repair changes: it is removed from the migrations table, for one of two reasons.
struct RepairChange {
  enum class Why {
    kFileGone,      // a failed or interrupted row whose migration file no longer exists
    kClearFailure,  // a failed row whose file is present and of which nothing committed
  };
  Why why = Why::kFileGone;
  StateRow row;               // as recorded
  std::string file;           // the migration's file (kClearFailure), else empty
  bool file_changed = false;  // kClearFailure: the file is not the one that failed
  // The migration's backfill checkpoint is removed with the row: its file is gone, or it
  // changed since the batches so far ran (apply then starts the backfill over). A failed
  // backfill whose file is the one that failed keeps its checkpoint: apply resumes it.
  std::optional<BackfillCheckpoint> checkpoint;
};

// A row repair leaves as it is, and what to do about it instead.
struct RepairNote {
  std::string id;
  std::string kind;     // "edited", "missing-file", "partial", "interrupted", "rollback-failed", "paused"
  std::string message;  // what is wrong and the command that fixes it
};

struct RepairPlan {
  std::vector<RepairChange> changes;  // failed rows of vanished files first, then by graph order
  std::vector<RepairNote> notes;
};

// What repair would change in `state`: failed and interrupted rows of files that are gone;
// failed rows with no committed progress (statements_done 0) of files that are present.
// Rows it leaves (notes): applied rows of edited files (that is `accept`'s), applied rows
// of vanished files and rows whose rollback failed (`forget` after a manual revert),
// failed rows with committed progress (apply resumes after it) and interrupted rows (apply
// resumes them, judging the statement that was running). A paused backfill (its checkpoint
// says paused) is not a failure: it is left, with its file or without, noted "paused"
// ('trellis backfill resume ID', or 'trellis forget ID').
RepairPlan plan_repair(const Graph& graph, const StateIndex& state, const std::vector<BackfillCheckpoint>& checkpoints);
// Removes the rows of `plan.changes` (and the checkpoints they name), each with a "repair"
// history event, in one transaction.
void run_repair(Driver& driver, const RepairPlan& plan);

// The rows `forget` removes for `ids` (full or short ids of migration files, or ids
// recorded in the database whose file is gone), in the order given. Throws Error(kUsage)
// naming an id that is neither, or a migration with no row (already pending); Error(kPlan)
// when a migration still applied depends on a forgotten one and is not forgotten too.
std::vector<StateRow> plan_forget(const Graph& graph, const StateIndex& state, const std::vector<std::string>& ids);
// Removes the rows and their backfill checkpoints, each row with a "forget" history
// event, in one transaction.
void run_forget(Driver& driver, const std::vector<StateRow>& rows);

// ---- the use cases (repair.cc) -----------------------------------------------------------
// A preview is decided on a read-only connection (it creates nothing: nothing to repair,
// --dry-run, or a refusal). The run takes the runner lock, waiting up to `lock_wait`
// (Error(kLock), exit 3, naming its holder, when it stays held), decides again on what the
// database holds then, and calls `confirm` with that decision, holding the lock, only when
// it changes something; `confirm` returning false changes nothing (report.done stays false).

struct RepairReport {
  RepairPlan plan;
  std::string target;  // Driver::display_target()
  bool done = false;   // the changes were committed
};
RepairReport preview_repair(const Workspace& ws);
RepairReport repair_state(const Workspace& ws, Millis lock_wait, const std::function<bool(const RepairReport&)>& confirm);

struct ForgetReport {
  std::vector<StateRow> rows;  // the rows removed (or to remove)
  std::vector<BackfillCheckpoint> checkpoints;  // their backfill checkpoints, removed with them
  std::string target;
  bool done = false;
};
ForgetReport preview_forget(const Workspace& ws, const std::vector<std::string>& ids);
ForgetReport forget_rows(const Workspace& ws, const std::vector<std::string>& ids, Millis lock_wait,
                         const std::function<bool(const ForgetReport&)>& confirm);

}  // namespace trellis
