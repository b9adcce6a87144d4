#include "trellis/plan.h"

#include <algorithm>

namespace trellis {

StateIndex::StateIndex(std::vector<StateRow> rows) : rows_(std::move(rows)) {
  by_id_.reserve(rows_.size());
  for (std::size_t i = 0; i < rows_.size(); ++i) by_id_.emplace(rows_[i].id, i);
}

const StateRow* StateIndex::find(std::string_view id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &rows_[it->second];
}

bool StateIndex::applied(std::string_view id) const {
  const StateRow* r = find(id);
  return r != nullptr && r->status == RecordStatus::kApplied;
}

const StateIndex::ByNode& StateIndex::by_node(const Graph& graph) const {
  if (resolved_for_ == graph.serial()) return resolved_;
  resolved_.by_node.assign(graph.size(), nullptr);
  std::vector<bool> used(rows_.size(), false);
  for (Node n = 0; n < graph.size(); ++n) {
    auto it = by_id_.find(graph.at(n).id);
    if (it == by_id_.end()) continue;
    resolved_.by_node[n] = &rows_[it->second];
    used[it->second] = true;
  }
  resolved_.top_applied.assign(graph.size(), std::nullopt);
  // A feature's migrations are consecutive nodes (its chain).
  for (Node begin = 0, end = 0; begin < graph.size(); begin = end) {
    std::optional<Node> top;
    for (end = begin; end < graph.size() && graph.at(end).feature == graph.at(begin).feature; ++end) {
      const StateRow* r = resolved_.by_node[end];
      if (r == nullptr || r->status != RecordStatus::kApplied) continue;
      if (!top || compare_numbers(graph.at(end).number, graph.at(*top).number) > 0) top = end;
    }
    std::fill(resolved_.top_applied.begin() + begin, resolved_.top_applied.begin() + end, top);
  }
  resolved_.orphans.clear();
  for (std::size_t i = 0; i < rows_.size(); ++i) {
    if (!used[i]) resolved_.orphans.push_back(&rows_[i]);
  }
  std::sort(resolved_.orphans.begin(), resolved_.orphans.end(),
            [](const StateRow* a, const StateRow* b) { return a->id < b->id; });
  resolved_for_ = graph.serial();
  return resolved_;
}

const char* hold_reason_id(HoldReason r) {
  switch (r) {
    case HoldReason::kUnreleasedFeature: return "unreleased-feature";
    case HoldReason::kContractNotAllowed: return "contract-not-allowed";
    case HoldReason::kHeldDependency: return "held-dependency";
    case HoldReason::kOutOfOrder: return "out-of-order";
    case HoldReason::kNotSelected: return "not-selected";
  }
  return "unknown";
}

}  // namespace trellis
