// pg_store.cc — the PostgreSQL backend's StateStore. Every write runs the lease's fence
// first in the same message (empty without a lease), so a runner that lost its lease
// cannot record anything.
#include "db/pg_backend.h"

namespace trellis::pg {

void Store::ensure() {
  if (s_.mode == OpenMode::kReadOnly) return;
  s_.state.ensure();
  s_.checkpoints.ensure();
}

void Store::record(const StateRow& row, const HistoryEvent& event) {
  s_.write(row.id, s_.lease.fence_sql() + s_.state.record_sql(row, event));
}

// One simple-query message: if the bookkeeping fails, PostgreSQL skips the COMMIT after
// it and the transaction stays open and aborted for the caller's rollback().
void Store::record_and_commit(const StateRow& row, const HistoryEvent& event) {
  s_.write(row.id, s_.lease.fence_sql() + s_.state.record_sql(row, event) + "\nCOMMIT;");
}

void Store::record_guarded(const StateRow& row, const HistoryEvent& event, RowGuard guard) {
  s_.write(row.id, s_.lease.fence_sql() +
                       s_.state.guarded_record_sql(row, event, guard.expected_done, guard.expected_started));
}

void Store::record_guarded_and_commit(const StateRow& row, const HistoryEvent& event, RowGuard guard) {
  s_.write(row.id, s_.lease.fence_sql() +
                       s_.state.guarded_record_sql(row, event, guard.expected_done, guard.expected_started) +
                       "\nCOMMIT;");
}

void Store::forget(const std::string& id, const HistoryEvent& event) {
  s_.write(id, s_.lease.fence_sql() + s_.state.forget_sql(id, event));
}

// Fenced like every bookkeeping write (the backfill runner saves inside the batch's
// transaction, so the batch cannot commit once the lease is lost).
void Store::save_checkpoint(const BackfillCheckpoint& c) {
  std::string fence = s_.lease.fence_sql();
  if (!fence.empty()) s_.write(c.id, fence);
  s_.checkpoints.save(c);
}

// Fenced too: forget and repair remove it in their transaction.
bool Store::remove_checkpoint(const std::string& id) {
  std::string fence = s_.lease.fence_sql();
  if (!fence.empty()) s_.write(id, fence);
  return s_.checkpoints.remove(id);
}

}  // namespace trellis::pg
