// The planner: pending = released features' migrations not yet applied, in dependency
// order; everything else held back with its reason.
#include <algorithm>
#include <optional>

#include "trellis/error.h"
#include "trellis/plan.h"
#include "util/text.h"

namespace trellis {
namespace {

PlanError plan_error(const char* code, const std::string& id, std::string message,
                     std::string hint) {
  PlanError e = error_at(code, "", 0, std::move(message), std::move(hint));
  e.id = id;
  return e;
}

class Planner {
 public:
  Planner(const Graph& g, const Environment& env, const StateIndex& state, const PlanOptions& o)
      : g_(g), env_(env), o_(o), n_(g.size()), applied_(n_), target_(n_), needed_(n_),
        pulled_(n_), held_(n_, false), held_reason_(n_), held_root_(n_), top_applied_(state.by_node(g).top_applied) {
    for (Node i = 0; i < n_; ++i) applied_[i] = state.applied(g, i);
  }

  Plan run() {
    select_targets();
    pull_unreleased_dependencies();
    Plan plan;
    for (Node i : g_.topo_order(needed_)) decide(i, plan);
    refuse_unreachable_targets(plan);
    for (Node i = 0; i < n_; ++i) {
      if (!applied_[i] && !needed_[i]) {
        plan.held.push_back({i, HoldReason::kNotSelected, "not selected by --feature/--to", HoldReason::kNotSelected});
      }
    }
    return plan;
  }

 private:
  void select_targets() {
    bool by_feature = !o_.features.empty();
    std::vector<bool> in_to(n_, true);
    if (!o_.to.empty()) {
      auto to = g_.find(o_.to);
      if (!to) throw Error(ErrorKind::kUsage, "--to: no migration '" + o_.to + "'" + guess(o_.to, all_ids()));
      to_node_ = to;
      in_to = g_.ancestors({*to});
      in_to[*to] = true;
    }
    for (const auto& f : o_.features) {
      if (g_.feature_nodes(f).empty()) {
        throw Error(ErrorKind::kUsage, "--feature: no feature '" + f + "' in this project" + guess(f, g_.features()));
      }
    }
    std::vector<Node> targets;
    for (Node i = 0; i < n_; ++i) {
      bool in_feature = !by_feature || std::count(o_.features.begin(), o_.features.end(), g_.at(i).feature);
      target_[i] = !applied_[i] && in_feature && in_to[i];
      if (target_[i]) targets.push_back(i);
    }
    auto deps = g_.ancestors(targets);
    for (Node i = 0; i < n_; ++i) needed_[i] = !applied_[i] && (target_[i] || deps[i]);
  }

  static std::string guess(const std::string& word, const std::vector<std::string>& names) {
    std::string best = closest_name(word, names);
    return best.empty() ? "" : "; did you mean \"" + best + "\"?";
  }

  std::vector<std::string> all_ids() const {
    std::vector<std::string> ids;
    for (Node i = 0; i < n_; ++i) ids.push_back(g_.at(i).id);
    return ids;
  }

  // --with-dependencies: the unapplied migrations of unreleased features that a released,
  // needed migration depends on (and what those need) run too, and nothing more.
  void pull_unreleased_dependencies() {
    if (!o_.with_dependencies) return;
    std::vector<Node> released;
    for (Node i = 0; i < n_; ++i) {
      if (needed_[i] && env_.releases(g_.at(i).feature)) released.push_back(i);
    }
    auto deps = g_.ancestors(released);
    for (Node i = 0; i < n_; ++i) {
      if (deps[i] && !applied_[i] && !env_.releases(g_.at(i).feature)) pulled_[i] = true;
    }
  }

  void hold(Node i, HoldReason r, std::string detail, Plan& plan) { hold(i, r, r, std::move(detail), plan); }
  void hold(Node i, HoldReason r, HoldReason root, std::string detail, Plan& plan) {
    held_[i] = true;
    held_reason_[i] = r;
    held_root_[i] = root;
    plan.held.push_back({i, r, std::move(detail), root});
  }

  // The held dependency that decides why `i` is held, if any: one of an unreleased
  // feature (another feature's: `i` itself is released) first, then one held back for
  // such a dependency, then the first held one.
  std::optional<Node> held_dependency(Node i) const {
    std::optional<Node> first, incomplete;
    for (Node d : g_.dependencies(i)) {
      if (applied_[d] || !held_[d]) continue;
      if (held_reason_[d] == HoldReason::kUnreleasedFeature) return d;
      if (!first) first = d;
      if (!incomplete && held_root_[d] == HoldReason::kUnreleasedDependency) incomplete = d;
    }
    return incomplete ? incomplete : first;
  }

  bool out_of_order(Node i) const {
    return top_applied_[i] && compare_numbers(g_.at(*top_applied_[i]).number, g_.at(i).number) > 0;
  }

  void decide(Node i, Plan& plan) {
    const Migration& m = g_.at(i);
    bool released = env_.releases(m.feature) || pulled_[i];
    if (!released) {
      return hold(i, HoldReason::kUnreleasedFeature,
                  "feature '" + m.feature + "' is not released in " + env_.name, plan);
    }
    if (m.phase == Phase::kContract && !env_.allow_contract && !o_.contract) {
      return hold(i, HoldReason::kContractNotAllowed,
                  "contract migration; " + env_.name + " does not set allow_contract (or pass --contract)",
                  plan);
    }
    if (out_of_order(i) && !o_.allow_out_of_order) {
      plan.errors.push_back(plan_error(
          "out-of-order", m.id,
          m.id + " is numbered below an applied migration of feature '" + m.feature +
              "' (a late merge inside one feature)",
          "renumber it after the feature's applied migrations, or pass --allow-out-of-order"));
      return hold(i, HoldReason::kOutOfOrder, "numbered below an applied migration of '" + m.feature + "'", plan);
    }
    if (auto d = held_dependency(i)) {
      const Migration& dep = g_.at(*d);
      if (held_reason_[*d] == HoldReason::kUnreleasedFeature) {
        return hold(i, HoldReason::kUnreleasedDependency, HoldReason::kUnreleasedDependency,
                    "requires " + dep.id + ", but feature '" + dep.feature + "' is not released in " +
                        env_.name + ": release '" + dep.feature + "' in " + env_.name +
                        ", or pass --with-dependencies",
                    plan);
      }
      return hold(i, HoldReason::kHeldDependency, held_root_[*d],
                  "needs " + dep.id + " (held back: " + hold_reason_id(held_reason_[*d]) + ")", plan);
    }
    plan.steps.push_back({i, pulled_[i] || !target_[i]});
  }

  // An explicitly asked-for target that is held back is an error naming why (exit 2),
  // not an empty plan: the --to migration, or a --feature that is not released here.
  void refuse_unreachable_targets(Plan& plan) const {
    for (const Held& h : plan.held) {
      const Migration& m = g_.at(h.node);
      if (to_node_ && h.node == *to_node_) {
        plan.errors.push_back(plan_error("unreachable-target", m.id,
                                         "--to " + m.id + " cannot be reached: held back (" +
                                             hold_reason_id(h.reason) + "): " + h.detail,
                                         hint_for(h.reason, m.feature)));
      }
    }
    for (const auto& f : o_.features) {
      if (env_.releases(f)) continue;
      bool held = std::any_of(plan.held.begin(), plan.held.end(), [&](const Held& h) {
        return h.reason == HoldReason::kUnreleasedFeature && g_.at(h.node).feature == f;
      });
      if (held) {
        plan.errors.push_back(
            plan_error("unreleased-feature", "",
                       "--feature " + f + ": feature '" + f + "' is not released in " + env_.name,
                       hint_for(HoldReason::kUnreleasedFeature, f)));
      }
    }
  }

  std::string hint_for(HoldReason r, const std::string& feature) const {
    switch (r) {
      case HoldReason::kUnreleasedFeature:
        return "add \"" + feature + "\" to features of [env." + env_.name + "] in trellis.toml to release it";
      case HoldReason::kContractNotAllowed:
        return "pass --contract, or set allow_contract = true in [env." + env_.name + "]";
      default:
        return "run 'trellis plan' to see what is held back and why; nothing was applied";
    }
  }

  const Graph& g_;
  const Environment& env_;
  const PlanOptions& o_;
  std::size_t n_;
  std::vector<bool> applied_, target_, needed_, pulled_, held_;
  std::vector<HoldReason> held_reason_, held_root_;
  std::optional<Node> to_node_;  // --to
  const std::vector<std::optional<Node>>& top_applied_;  // see StateIndex::ByNode
};

}  // namespace

std::vector<Held> Plan::incomplete() const {
  std::vector<Held> out;
  for (const Held& h : held) {
    if (h.incomplete()) out.push_back(h);
  }
  return out;
}

Plan make_plan(const Graph& graph, const Environment& env, const StateIndex& state,
               const PlanOptions& options) {
  return Planner(graph, env, state, options).run();
}

}  // namespace trellis
