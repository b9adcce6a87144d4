#include "trellis/plan.h"

#include <algorithm>
#include <unordered_map>
#include <utility>

namespace trellis {

StateIndex::StateIndex(std::vector<StateRow> rows) : rows_(std::move(rows)) {
  by_id_.reserve(rows_.size());
  for (std::size_t i = 0; i < rows_.size(); ++i) by_id_.emplace(rows_[i].id, i);
}

StateIndex::StateIndex(StateIndex&& other) noexcept
    : rows_(std::move(other.rows_)), by_id_(std::move(other.by_id_)), resolved_(std::move(other.resolved_)),
      resolved_for_(std::exchange(other.resolved_for_, 0)) {}

StateIndex& StateIndex::operator=(StateIndex&& other) noexcept {
  rows_ = std::move(other.rows_);
  by_id_ = std::move(other.by_id_);
  resolved_ = std::move(other.resolved_);
  resolved_for_ = std::exchange(other.resolved_for_, 0);
  return *this;
}

const StateRow* StateIndex::find(std::string_view id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &rows_[it->second];
}

bool StateIndex::applied(std::string_view id) const {
  const StateRow* r = find(id);
  return r != nullptr && r->status == RecordStatus::kApplied;
}

// A feature's migrations are consecutive nodes as the loader orders them, so features are
// looked up once per run of nodes, not once per node; the graph allows any order.
void StateIndex::resolve_top_applied(const Graph& graph) const {
  std::size_t n = graph.size();
  auto higher = [&](std::optional<Node> top, Node i) {
    const StateRow* r = resolved_.by_node[i];
    bool applied = r != nullptr && r->status == RecordStatus::kApplied;
    return applied && (!top || compare_numbers(graph.at(i).number, graph.at(*top).number) > 0) ? i : top;
  };
  std::unordered_map<std::string_view, std::optional<Node>> top_of;  // by feature
  auto run_end = [&](Node begin) {
    Node end = begin;
    while (end < n && graph.at(end).feature == graph.at(begin).feature) ++end;
    return end;
  };
  for (Node begin = 0, end = 0; begin < n; begin = end) {
    end = run_end(begin);
    std::optional<Node>& top = top_of[graph.at(begin).feature];
    for (Node i = begin; i < end; ++i) top = higher(top, i);
  }
  resolved_.top_applied.resize(n);
  for (Node begin = 0, end = 0; begin < n; begin = end) {
    end = run_end(begin);
    std::fill(resolved_.top_applied.begin() + begin, resolved_.top_applied.begin() + end,
              top_of[graph.at(begin).feature]);
  }
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
  resolve_top_applied(graph);
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
    case HoldReason::kUnreleasedDependency: return "unreleased-dependency";
    case HoldReason::kContractNotAllowed: return "contract-not-allowed";
    case HoldReason::kHeldDependency: return "held-dependency";
    case HoldReason::kOutOfOrder: return "out-of-order";
    case HoldReason::kNotSelected: return "not-selected";
  }
  return "unknown";
}

}  // namespace trellis
