// trellis/plan.h — what apply would do, and what it holds back and why.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "trellis/graph.h"
#include "trellis/project.h"
#include "trellis/state.h"

namespace trellis {

// trellis_migrations, indexed by id.
class StateIndex {
 public:
  StateIndex() = default;
  explicit StateIndex(std::vector<StateRow> rows);
  const StateRow* find(const std::string& id) const;
  bool applied(const std::string& id) const;
  const std::vector<StateRow>& rows() const { return rows_; }

 private:
  std::vector<StateRow> rows_;
  std::unordered_map<std::string, std::size_t> by_id_;
};

enum class HoldReason {
  kUnreleasedFeature,   // the feature is not released in this environment
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
};

// A problem that makes the plan unrunnable as asked (apply refuses, exit 2).
struct PlanError {
  std::string message;
  std::string hint;
};

struct Plan {
  std::vector<Step> steps;  // in the order apply runs them
  std::vector<Held> held;
  std::vector<PlanError> errors;
};

// Builds the plan. Throws Error(kUsage) for an unknown --feature or --to.
Plan make_plan(const Graph& graph, const Environment& env, const StateIndex& state,
               const PlanOptions& options);

}  // namespace trellis
