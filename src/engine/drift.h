// drift.h — schema drift for `check` (trellis/check.h, DriftReport): the schema the
// applied migrations make, replayed in their recorded order on a scratch database
// (trellis/scratch.h, engine/replay.h) or taken from the cache in `.trellis/`
// (engine/expected_cache.h), against the live database's, both read by their Catalog.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "trellis/check.h"
#include "trellis/driver.h"
#include "trellis/plan.h"
#include "trellis/state.h"

namespace trellis {

// The applied migrations in the order the database recorded them: by the position in
// the history of the event that last made each one applied ("apply" or "stamp"; an
// "accept" changes the checksum, not the order), so a migration rolled back and applied
// again counts where it was applied again. Applied rows without such an event (a history
// that was cleared) come first, by finished_at, then id.
struct AppliedOrder {
  std::vector<const Migration*> migrations;
  std::vector<const StateRow*> without_file;  // applied rows the project has no file for
};
AppliedOrder applied_in_recorded_order(const Graph& graph, const StateIndex& state,
                                       const std::vector<HistoryEvent>& history);

// Where to replay: options.scratch_url (`--scratch`), else the environment's
// scratch_database, each checked (and a relative SQLite path anchored at the project);
// "" for the live database's own server. Throws Error(kConfig) naming the origin for a
// malformed URL or one of another backend than the database's.
std::string scratch_url_for(const Workspace& ws, const CheckOptions& options);
// The same for any command that replays (verify): `url` given on the command line, named
// `origin` in messages, else the environment's scratch_database.
std::string scratch_url_for(const Workspace& ws, const std::string& url, const std::string& origin);

// Reads the live schema (Catalog::read_schema) on a thread of its own from construction,
// so that it overlaps with the rest of `check` and with the replay. The driver must not
// be used by anything else until take() (or destruction, which waits for the thread).
class LiveSchemaReader {
 public:
  explicit LiveSchemaReader(Driver& live);
  ~LiveSchemaReader();
  LiveSchemaReader(const LiveSchemaReader&) = delete;
  LiveSchemaReader& operator=(const LiveSchemaReader&) = delete;
  // Waits for the read; its model, or its error rethrown. Once.
  SchemaModel take();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Compares the live database (opened read-only; nothing is written to it), its rows
// `state`, its `history` and its schema being read by `live`, with what its applied
// migrations make, adding one finding per difference (kind "drift") or, when the
// comparison cannot be made, an error that says why ("replay-failed",
// "drift-not-checked"). The expected schema comes from the cache when it has it, else
// from a replay on a scratch database made on `scratch_url` (scratch_url_for). Throws
// Error(kConnection) when no scratch database can be had.
DriftReport check_drift(const Workspace& ws, const StateIndex& state, const std::vector<HistoryEvent>& history,
                        LiveSchemaReader& live, const std::string& scratch_url, std::vector<Finding>& findings);

}  // namespace trellis
