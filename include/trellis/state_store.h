// trellis/state_store.h — the StateStore seam: trellis' own tables in a database (the
// migration rows, the history, the backfill checkpoints; their one description is
// db/state_schema.h), read and written inside the connection's current transaction if one
// is open. Semantics of the rows: trellis/state.h, trellis/backfill.h.
#pragma once

#include <string>
#include <vector>

#include "trellis/backfill.h"
#include "trellis/state.h"

namespace trellis {

// A bookkeeping write that must find the migration's row as this runner last saw it:
// no row (expected_done < 0), or a row not recorded as applied whose statements_done is
// expected_done. Anything else means another runner recorded the migration meanwhile:
// the write throws Error(kLock) naming it, and the transaction is left to roll back.
struct RowGuard {
  int expected_done = -1;
  // When set, the row's started_at must also be this: the run that wrote the row as this
  // runner saw it. Two runners resuming the same failed or interrupted row cannot both
  // pass their start write, since the first one's start changes started_at.
  std::string expected_started;
};

class StateStore {
 public:
  virtual ~StateStore() = default;

  // Creates the tables if missing. Idempotent and safe under concurrency; does nothing on
  // a connection opened read-only.
  virtual void ensure() = 0;
  // Rows of the migrations table; empty when the tables do not exist yet.
  virtual std::vector<StateRow> load_rows() = 0;
  // The history, oldest first; empty when the tables do not exist yet.
  virtual std::vector<HistoryEvent> load_history() = 0;

  // Upserts the migration's row and appends `event` to the history (unless event.action
  // is empty: a progress update only).
  virtual void record(const StateRow& row, const HistoryEvent& event) = 0;
  // record() then COMMIT, in one round trip where the database allows.
  virtual void record_and_commit(const StateRow& row, const HistoryEvent& event) = 0;
  // record() that only writes when the row is as `guard` expects (see RowGuard); what the
  // runner uses for every step of a migration, so that two runners can never both record
  // (and so commit) the same step, lock or no lock.
  virtual void record_guarded(const StateRow& row, const HistoryEvent& event, RowGuard guard) = 0;
  // record_guarded() then COMMIT, in one round trip where the database allows.
  virtual void record_guarded_and_commit(const StateRow& row, const HistoryEvent& event, RowGuard guard) = 0;
  // Deletes the row of `id` and appends `event`.
  virtual void forget(const std::string& id, const HistoryEvent& event) = 0;

  // --- batched backfills ------------------------------------------------------------------
  // Upserts the checkpoint of `c.id`. On an existing row, pause_requested is left as it
  // is: only request_pause() changes it.
  virtual void save_checkpoint(const BackfillCheckpoint& c) = 0;
  // Every checkpoint row; empty when the table does not exist yet.
  virtual std::vector<BackfillCheckpoint> load_checkpoints() = 0;
  // Sets (kPause) or clears (kResume) pause_requested of `id`, in its own transaction;
  // on kResume a 'paused' status becomes 'running'. False if `id` has no checkpoint.
  virtual bool request_pause(const std::string& id, PauseRequest request) = 0;
  // Deletes the checkpoint of `id`, in the caller's transaction (forget and repair remove
  // it with the migration's row). False if `id` has none (or the table does not exist).
  virtual bool remove_checkpoint(const std::string& id) = 0;

  // --- offline SQL (apply --sql) ----------------------------------------------------------
  // The statements, as text an operator could run by hand, that ensure() / record() /
  // forget() would send.
  virtual std::string render_ddl() const = 0;
  virtual std::string render_record(const StateRow& row, const HistoryEvent& event) const = 0;
  virtual std::string render_forget(const std::string& id, const HistoryEvent& event) const = 0;
};

}  // namespace trellis
