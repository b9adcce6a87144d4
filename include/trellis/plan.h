// trellis/plan.h — what apply would do, and what it holds back and why.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "trellis/backfill.h"
#include "trellis/diagnostic.h"
#include "trellis/graph.h"
#include "trellis/project.h"
#include "trellis/state.h"

namespace trellis {

// trellis_migrations, indexed by id.
class StateIndex {
 public:
  StateIndex();
  explicit StateIndex(std::vector<StateRow> rows);
  ~StateIndex();
  // Movable, not copyable: the index keys are views of the rows' ids. A moved-from index
  // is empty.
  StateIndex(StateIndex&& other) noexcept;
  StateIndex& operator=(StateIndex&& other) noexcept;
  StateIndex(const StateIndex&) = delete;
  StateIndex& operator=(const StateIndex&) = delete;

  const StateRow* find(std::string_view id) const;
  bool applied(std::string_view id) const;
  const std::vector<StateRow>& rows() const;

  // The rows as a graph sees them: `by_node[n]` is node n's row (null when it has none),
  // `top_applied[n]` the applied migration with the highest number in n's feature (none
  // when no migration of it is applied), `orphans` the rows of no node, sorted by id.
  // Resolved on the first call for a graph and kept, so that the planner, status and
  // integrity checks read arrays instead of each looking every id up again; a call for
  // another graph resolves again into the same object, so a reference held from an
  // earlier call then shows the new graph's. Not safe to call from several threads at
  // once.
  struct ByNode {
    std::vector<const StateRow*> by_node;
    std::vector<std::optional<Node>> top_applied;
    std::vector<const StateRow*> orphans;
  };
  const ByNode& by_node(const Graph& graph) const;
  const StateRow* row(const Graph& graph, Node n) const { return by_node(graph).by_node[n]; }
  bool applied(const Graph& graph, Node n) const {
    const StateRow* r = row(graph, n);
    return r != nullptr && r->status == RecordStatus::kApplied;
  }

  // What is under way, read beside the rows by read_activity() (trellis/status.h): the
  // backfill checkpoints, and whether a runner held the database's runner lock then.
  // Without it: no checkpoints and no live runner, so a started row reads as interrupted.
  struct Activity {
    std::vector<BackfillCheckpoint> checkpoints;
    bool runner_live = false;
  };
  void set_activity(Activity activity);
  const BackfillCheckpoint* checkpoint(std::string_view id) const;
  bool runner_live() const;

 private:
  struct Data;  // the rows, their index by id and by_node()'s memo (state_index.cc)
  Data& data() const;  // made on first use: a default or moved-from index has none yet
  mutable std::unique_ptr<Data> d_;
};

enum class HoldReason {
  kUnreleasedFeature,     // the feature is not released in this environment
  kUnreleasedDependency,  // released, but requires a migration of an unreleased feature
  kContractNotAllowed,  // phase: contract, and neither the environment nor --contract allow it
  kHeldDependency,      // a dependency is held back
  kOutOfOrder,          // numbered below an applied migration of its own feature
  kNotSelected          // outside --feature / --to
};
const char* hold_reason_id(HoldReason r);  // "unreleased-feature", …

struct PlanOptions {
  std::vector<std::string> features;  // --feature (empty = all)
  std::string to;                     // --to ID
  bool with_dependencies = false;     // pull in required migrations of unreleased features
  bool contract = false;              // --contract
  bool allow_out_of_order = false;
};

struct Step {
  Node node;
  bool pulled_in = false;  // run only because something selected needs it
};

struct Held {
  Node node;
  HoldReason reason;
  std::string detail;
  // Where the chain of holds began: `reason` itself, or for kHeldDependency the root of
  // the held dependency.
  HoldReason root = HoldReason::kNotSelected;
  // A released migration that apply cannot run as asked: it needs a migration of an
  // unreleased feature, or depends on one that does. Apply runs everything else and
  // exits 1.
  bool incomplete() const { return root == HoldReason::kUnreleasedDependency; }
};

// A problem that makes the plan unrunnable as asked (apply refuses, exit 2). `code`:
// "out-of-order" (numbered below an applied migration of its feature),
// "unreachable-target" (--to names a held-back migration), "unreleased-feature"
// (--feature names a feature not released here); `id` the migration when there is one.
using PlanError = Diagnostic;

struct Plan {
  std::vector<Step> steps;  // in the order apply runs them
  std::vector<Held> held;
  std::vector<PlanError> errors;
  // The held entries that are incomplete(), in plan order.
  std::vector<Held> incomplete() const;
};

// Builds the plan. Throws Error(kUsage) for an unknown --feature or --to.
Plan make_plan(const Graph& graph, const Environment& env, const StateIndex& state,
               const PlanOptions& options);

}  // namespace trellis
