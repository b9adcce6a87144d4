// trellis/verify.h — the verify use case: is the plan safe to reorder, and does every down
// undo its up? (README.md, "trellis verify".)
//
// The migrations (the environment's plan on an empty database, or the whole project) are
// replayed on scratch databases (trellis/scratch.h) in several valid orders: the
// planner's, the one with every tie broken the other way, and seeded random ones. Their
// schema models (trellis/schema.h) must be equal. When two orders end differently, a
// bisect over adjacent swaps names two independent migrations whose relative order
// changes the outcome, what differs, and the `-- requires:` line that fixes the order.
// Then the stairway: in the planner's order, each reversible migration goes up, down and
// up again; the down must restore exactly the schema before the up, the second up must
// succeed. Nothing is written to the environment's database: only scratch databases are
// opened.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "trellis/schema.h"
#include "trellis/workspace.h"

namespace trellis {

struct VerifyOptions {
  bool all = false;      // every migration of the project, not only the environment's plan
  int orders = 3;        // distinct orders to compare (the planner's counts), at least 1
  std::optional<std::uint64_t> seed;  // of the random orders; none: drawn, and reported
  bool stairway = true;  // up → down → up for each reversible migration
  // Where scratch databases are made (--scratch); empty: on the environment's server
  // (SQLite: in memory).
  std::string scratch_url;
  unsigned jobs = 0;     // threads replaying at once; 0: one per CPU, at least two
};

// A migration, for messages.
struct VerifyMigration {
  std::string id;
  std::string path;  // relative to the project
};

// A section that failed on a scratch database.
struct VerifyFailure {
  VerifyMigration migration;
  bool down = false;   // the down section failed
  int statement = 0;   // 1-based; 0: before any statement ran (the section cannot be split)
  int line = 0;        // the statement's line in the file
  std::string error;   // the database's message
  // "core/0002_users: statement 2 (line 7): <message>", " (down)" after the id for a down.
  std::string describe() const;
};

struct VerifiedOrder {
  std::string name;  // "planner", "reversed-ties", "random-1", …
  std::vector<std::string> ids;
  std::optional<VerifyFailure> failure;  // the order stopped at this migration
};

// Two orders ended differently.
struct OrderFinding {
  enum class Type {
    kSchemasDiffer,    // both orders ran through, their schemas differ
    kFailsInOneOrder,  // a migration fails in one of the two orders only
    kFailsInEveryOrder // the plan cannot run in any order (`first` is the migration)
  };
  Type type = Type::kSchemasDiffer;
  // Independent migrations whose relative order changes the outcome (kFailsInEveryOrder:
  // `first` only). `first` runs before `second` in the planner's order.
  VerifyMigration first, second;
  std::vector<std::string> orders;  // the orders whose outcome is not the planner's
  // The outcome with `first` just before `second`, and with the two swapped.
  std::optional<VerifyFailure> failure_first_before, failure_second_before;
  // kSchemasDiffer: the schema with `first` before `second` (expected) against the one
  // with `second` before `first` (actual).
  std::vector<SchemaDifference> differences;
  // The fix that keeps the planner's order: add `-- requires: <requires_id>` to
  // `add_to`'s file (`second` requires `first`).
  std::string requires_id;
  VerifyMigration add_to;
};

// A reversible migration whose stairway (up → down → up) does not hold.
struct StairwayFinding {
  enum class Type {
    kDownFails,      // `failure`
    kDownDiffers,    // `differences`: before the up (expected) vs after the down (actual)
    kSecondUpFails,  // `failure`: the up fails when run again after its down
  };
  Type type = Type::kDownFails;
  VerifyMigration migration;
  std::optional<VerifyFailure> failure;
  std::vector<SchemaDifference> differences;
};

// What the replays cost.
struct VerifyCounts {
  std::size_t sections = 0;   // up and down sections run
  std::size_t reads = 0;      // schema models read
  std::size_t databases = 0;  // scratch databases created empty
  std::size_t forks = 0;      // scratch databases forked from another at a common prefix
  int bisect_replays = 0;     // orders replayed from the start to find the pairs
};

struct VerifyReport {
  std::string scratch;       // where the scratch databases were made, password masked
  std::uint64_t seed = 0;    // of the random orders (pass --seed to repeat the run)
  bool all = false;
  std::size_t migrations = 0;  // in the plan
  int orders_asked = 0;
  std::vector<VerifiedOrder> orders;  // distinct orders; fewer than asked when no more exist
  std::vector<OrderFinding> order_findings;

  bool stairway = false;           // the stairway ran
  std::size_t stairway_checked = 0;  // migrations taken up, down and up
  std::size_t irreversible = 0;      // migrations of the plan the stairway only takes up
  std::vector<StairwayFinding> stairway_findings;
  // The stairway stopped at an up that fails in the planner's order too.
  std::optional<VerifyFailure> stairway_stopped;

  VerifyCounts counts;
  bool ok() const { return order_findings.empty() && stairway_findings.empty(); }
};

// Runs verify. Throws Error(kUsage) for options out of range, Error(kConfig) when there
// is no backend to make scratch databases for (no database and no scratch URL),
// Error(kConnection) when no scratch database can be made, and what a schema reader
// throws for an object it cannot read.
VerifyReport verify_project(const Workspace& ws, const VerifyOptions& options);

}  // namespace trellis
