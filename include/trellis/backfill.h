// trellis/backfill.h — batched data migrations (`phase: backfill` with `-- batch:`) and
// their checkpoints (README.md, "A migration file" and "Zero-downtime changes"; docs/zero-downtime.md).
//
// A backfill runs as a sequence of short transactions. Each transaction runs the body
// once for one batch and, in the same commit, saves the checkpoint: the last key covered,
// rows changed so far, batches done. A run killed at any point resumes after the last
// committed batch: no batch is applied twice and none is skipped. The migration's own
// row is marked applied in the same transaction as the final checkpoint ('done'), so its
// dependents run only once it has finished.
//
// Range mode (`table=T key=K size=N`): batch i covers the rows with `K > :lo AND K <= :hi`,
// where :lo is the previous batch's :hi (for the first batch: min(K) - 1 for integer
// keys, '' for text keys) and :hi is the key of the N-th row after :lo in key order (or
// the highest key up to the end, for the last batch). The walk of a run ends at the
// highest key read by its first batch. The body is expected to use exactly that
// predicate. NULL keys are never visited. Rows inserted later are visited only if their
// key lies between the current position and that end (with an increasing key: never),
// so a stream of inserts at the tail cannot keep the walk going; write new rows
// correctly in the application, e.g. with a column default or trigger added by the
// expand step.
// Until-empty mode (`until-empty size=N`): the body runs, with :size = N, until one run
// changes no row.
//
// :lo, :hi and :size are bound as parameters (integers when they look like integers,
// else text), never pasted into the SQL text.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "trellis/connection.h"  // BoundParam
#include "trellis/state.h"

namespace trellis {

// `trellis backfill pause` / `resume`.
enum class PauseRequest { kPause, kResume };

enum class BackfillStatus { kRunning, kPaused, kDone, kFailed };
const char* backfill_status_name(BackfillStatus s);  // "running", "paused", "done", "failed"
bool parse_backfill_status(const std::string& text, BackfillStatus* out);

// One row of trellis_backfills (SQLite) / <schema>.backfills (PostgreSQL).
struct BackfillCheckpoint {
  std::string id;               // the migration id
  std::string checksum;         // of the file that the batches so far ran
  std::string mode;             // "range" | "until-empty"
  std::optional<std::string> last_key;  // range: :hi of the last committed batch
  std::int64_t rows_done = 0;   // rows changed by the body, summed over batches
  std::int64_t batches = 0;
  BackfillStatus status = BackfillStatus::kRunning;
  bool pause_requested = false; // set by `trellis backfill pause`; the runner stops at the next batch
  std::string started_at;       // ISO-8601 UTC of the first batch
  std::string updated_at;       // of the last commit
  std::int64_t active_ms = 0;   // time spent in batches (not paused, not between runs)
  std::string error;            // last failure
};

// Where a backfill stands, in every view (status, plan, apply, backfill status; text and
// JSON): decided by backfill_state() only (docs/zero-downtime.md, "Backfill states").
//   pending      never started (no checkpoint, or a done one whose migration was rolled back)
//   running      started, not finished, and a runner holds the database's runner lock now
//   paused       stopped by `trellis backfill pause`, or a pause is requested while no
//                runner holds the lock (the next run stops before its first batch)
//   interrupted  started, not finished, not paused, and no runner holds the lock (the
//                runner was killed, Ctrl-C, lost its connection): apply resumes it
//   done         its migration is applied
//   failed       a batch failed; apply or `backfill resume` retries from the checkpoint
enum class BackfillState { kPending, kRunning, kPaused, kInterrupted, kDone, kFailed };
const char* backfill_state_name(BackfillState s);  // "pending", "running", …

// `row`: the migration's row (null if none); `checkpoint`: its trellis_backfills row (null
// if none); `runner_live`: RunnerLock::held_by_a_runner() when it was read.
BackfillState backfill_state(const StateRow* row, const BackfillCheckpoint* checkpoint, bool runner_live);

// Rows done over the wall time since the first batch started (pauses and stops included),
// until the last commit once done; 0 when started_at cannot be read. `now_ms`: Unix ms.
double wall_rows_per_second(const BackfillCheckpoint& c, BackfillState state, std::int64_t now_ms);

// "3 batch(es), 150 row(s)": what a backfill has done so far, for messages.
std::string backfill_done_text(const BackfillCheckpoint& c);

// What a running backfill reports after each committed batch.
struct BackfillProgress {
  std::int64_t rows_done = 0;
  std::int64_t batches = 0;
  std::optional<std::int64_t> rows_remaining;  // estimate; nullopt if unknown
  double rows_per_second = 0;
  bool finished = false;
};

}  // namespace trellis
