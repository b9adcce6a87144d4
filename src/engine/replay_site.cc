#include "engine/replay_site.h"

namespace trellis {

ReplayCounts& ReplayCounts::operator+=(const ReplayCounts& other) {
  sections += other.sections;
  reads += other.reads;
  databases += other.databases;
  forks += other.forks;
  return *this;
}

std::optional<ReplayFailure> run_ups(ReplaySite& site, const std::vector<Node>& order, std::size_t begin,
                                     std::size_t end, ReplayCounts& counts) {
  for (std::size_t i = begin; i < end; ++i) {
    ++counts.sections;
    if (auto failure = site.run(order[i], ReplayDirection::kUp)) return failure;
  }
  return std::nullopt;
}

bool same_outcome(const OrderOutcome& a, const OrderOutcome& b) {
  if (a.failure.has_value() != b.failure.has_value()) return false;
  if (a.failure) return a.failure->id == b.failure->id && a.failure->down == b.failure->down;
  return a.model == b.model;
}

OrderOutcome replay_order(ReplaySites& sites, const std::vector<Node>& order, ReplayCounts& counts) {
  std::unique_ptr<ReplaySite> site = sites.create();
  ++counts.databases;
  OrderOutcome outcome;
  outcome.failure = run_ups(*site, order, 0, order.size(), counts);
  if (!outcome.failure) {
    outcome.model = site->read_model();
    ++counts.reads;
  }
  return outcome;
}

}  // namespace trellis
