#include "engine/verify_findings.h"

#include <algorithm>
#include <set>
#include <utility>

namespace trellis {
namespace {

VerifyMigration migration_of(const Migration& m) { return VerifyMigration{m.id, m.path}; }

std::optional<VerifyFailure> failure_of(const std::optional<ReplayFailure>& f) {
  if (!f) return std::nullopt;
  return verify_failure(*f);
}

// The orders that end like orders[k], which does not end like the planner's.
struct OutcomeGroup {
  std::size_t representative;
  std::vector<std::string> orders;
};

std::vector<OutcomeGroup> group_differing(const std::vector<VerifyOrder>& orders,
                                          const std::vector<OrderOutcome>& outcomes) {
  std::vector<OutcomeGroup> groups;
  for (std::size_t k = 1; k < orders.size(); ++k) {
    if (same_outcome(outcomes[k], outcomes[0])) continue;
    OutcomeGroup* group = nullptr;
    for (auto& g : groups) {
      if (same_outcome(outcomes[g.representative], outcomes[k])) group = &g;
    }
    if (group == nullptr) group = &groups.emplace_back(OutcomeGroup{k, {}});
    group->orders.push_back(orders[k].name);
  }
  return groups;
}

OrderFinding pair_finding(const Graph& graph, const BisectResult& r) {
  OrderFinding f;
  f.first = migration_of(graph.at(r.first));
  f.second = migration_of(graph.at(r.second));
  f.failure_first_before = failure_of(r.first_before.failure);
  f.failure_second_before = failure_of(r.second_before.failure);
  if (!r.first_before.failure && !r.second_before.failure) {
    f.type = OrderFinding::Type::kSchemasDiffer;
    f.differences = diff_schemas(r.first_before.model, r.second_before.model);
  } else {
    f.type = OrderFinding::Type::kFailsInOneOrder;
  }
  f.requires_id = f.first.id;
  f.add_to = f.second;
  return f;
}

using ObjectKey = std::pair<SchemaKind, std::string>;
constexpr int kMostPairsPerOutcome = 8;

std::set<ObjectKey> differing_objects(const SchemaModel& a, const SchemaModel& b) {
  std::set<ObjectKey> keys;
  for (const auto& d : diff_schemas(a, b)) keys.emplace(d.kind, d.name);
  return keys;
}

// Whether two outcomes agree on `objects` (both have each, equal, or both lack it).
bool agree_on(const OrderOutcome& a, const OrderOutcome& b, const std::set<ObjectKey>& objects) {
  if (a.failure || b.failure) return same_outcome(a, b);
  for (const auto& [kind, name] : objects) {
    const SchemaObject* x = a.model.find(kind, name);
    const SchemaObject* y = b.model.find(kind, name);
    if ((x == nullptr) != (y == nullptr) || (x != nullptr && !(*x == *y))) return false;
  }
  return true;
}

void add_finding(std::vector<OrderFinding>& findings, OrderFinding f, const std::vector<std::string>& orders) {
  for (auto& e : findings) {
    if (e.first.id != f.first.id || e.second.id != f.second.id) continue;
    for (const auto& o : orders)
      if (std::find(e.orders.begin(), e.orders.end(), o) == e.orders.end()) e.orders.push_back(o);
    return;
  }
  f.orders = orders;
  findings.push_back(std::move(f));
}

}  // namespace

std::string VerifyFailure::describe() const {
  std::string where =
      statement > 0 ? "statement " + std::to_string(statement) + " (line " + std::to_string(line) + "): " : "";
  return migration.id + (down ? " (down)" : "") + ": " + where + error;
}

VerifyFailure verify_failure(const ReplayFailure& f) {
  return VerifyFailure{VerifyMigration{f.id, f.path}, f.down, f.statement, f.line, f.error};
}

std::vector<OrderFinding> order_findings(ReplaySites& sites, const Graph& graph,
                                         const std::vector<VerifyOrder>& orders,
                                         const std::vector<OrderOutcome>& outcomes, ReplayCounts& counts,
                                         int& bisect_replays) {
  std::vector<OrderFinding> findings;
  std::vector<OutcomeGroup> groups = group_differing(orders, outcomes);
  if (groups.empty()) {
    if (outcomes[0].failure) {  // the same failure in every order
      OrderFinding f;
      f.type = OrderFinding::Type::kFailsInEveryOrder;
      f.first = VerifyMigration{outcomes[0].failure->id, outcomes[0].failure->path};
      f.failure_first_before = failure_of(outcomes[0].failure);
      findings.push_back(std::move(f));
    }
    return findings;
  }
  auto replay = [&](const std::vector<Node>& order) { return replay_order(sites, order, counts); };
  for (const OutcomeGroup& g : groups) {
    const OrderOutcome& theirs = outcomes[g.representative];
    if (outcomes[0].failure || theirs.failure) {
      BisectResult r = bisect_orders(orders[0].nodes, outcomes[0], orders[g.representative].nodes, theirs, replay);
      bisect_replays += r.replays;
      add_finding(findings, pair_finding(graph, r), g.orders);
      continue;
    }
    // Schemas that differ in several objects may have several causes: after each pair,
    // bisect again for the objects it does not explain.
    std::set<ObjectKey> unexplained = differing_objects(outcomes[0].model, theirs.model);
    for (int round = 0; round < kMostPairsPerOutcome && !unexplained.empty(); ++round) {
      auto same = [&](const OrderOutcome& a, const OrderOutcome& b) { return agree_on(a, b, unexplained); };
      BisectResult r = bisect_orders(orders[0].nodes, outcomes[0], orders[g.representative].nodes, theirs, replay, same);
      bisect_replays += r.replays;
      OrderFinding f = pair_finding(graph, r);
      std::size_t before = unexplained.size();
      if (!r.first_before.failure && !r.second_before.failure) {
        for (const auto& key : differing_objects(r.first_before.model, r.second_before.model)) unexplained.erase(key);
      }
      add_finding(findings, std::move(f), g.orders);
      if (unexplained.size() == before) break;  // nothing more this way
    }
  }
  return findings;
}

std::vector<StairwayFinding> stairway_findings(const Graph& graph, const StairwayResult& result) {
  std::vector<StairwayFinding> findings;
  for (const StairwayProblem& p : result.problems) {
    StairwayFinding f;
    f.migration = migration_of(graph.at(p.node));
    switch (p.type) {
      case StairwayProblem::Type::kDownFails: f.type = StairwayFinding::Type::kDownFails; break;
      case StairwayProblem::Type::kDownDiffers: f.type = StairwayFinding::Type::kDownDiffers; break;
      case StairwayProblem::Type::kSecondUpFails: f.type = StairwayFinding::Type::kSecondUpFails; break;
    }
    f.failure = failure_of(p.failure);
    f.differences = p.differences;
    findings.push_back(std::move(f));
  }
  return findings;
}

}  // namespace trellis
