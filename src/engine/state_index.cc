#include "trellis/plan.h"

#include <algorithm>
#include <unordered_map>
#include <cstdint>
#include <utility>

namespace trellis {

struct StateIndex::Data {
  std::vector<StateRow> rows;
  std::unordered_map<std::string_view, std::size_t> by_id;
  ByNode resolved;
  std::uint64_t resolved_for = 0;  // Graph::serial(), 0 for none
  Activity activity;

  void resolve_top_applied(const Graph& graph);
};

StateIndex::StateIndex() = default;

StateIndex::StateIndex(std::vector<StateRow> rows) : d_(std::make_unique<Data>()) {
  d_->rows = std::move(rows);
  d_->by_id.reserve(d_->rows.size());
  for (std::size_t i = 0; i < d_->rows.size(); ++i) d_->by_id.emplace(d_->rows[i].id, i);
}

StateIndex::~StateIndex() = default;
StateIndex::StateIndex(StateIndex&& other) noexcept = default;
StateIndex& StateIndex::operator=(StateIndex&& other) noexcept = default;

StateIndex::Data& StateIndex::data() const {
  if (!d_) d_ = std::make_unique<Data>();
  return *d_;
}

const std::vector<StateRow>& StateIndex::rows() const { return data().rows; }

const StateRow* StateIndex::find(std::string_view id) const {
  const Data& d = data();
  auto it = d.by_id.find(id);
  return it == d.by_id.end() ? nullptr : &d.rows[it->second];
}

void StateIndex::set_activity(Activity activity) { data().activity = std::move(activity); }

const BackfillCheckpoint* StateIndex::checkpoint(std::string_view id) const {
  for (const auto& c : data().activity.checkpoints) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

bool StateIndex::runner_live() const { return data().activity.runner_live; }

bool StateIndex::applied(std::string_view id) const {
  const StateRow* r = find(id);
  return r != nullptr && r->status == RecordStatus::kApplied;
}

// A feature's migrations are consecutive nodes as the loader orders them, so features are
// looked up once per run of nodes, not once per node; the graph allows any order.
void StateIndex::Data::resolve_top_applied(const Graph& graph) {
  std::size_t n = graph.size();
  auto higher = [&](std::optional<Node> top, Node i) {
    const StateRow* r = resolved.by_node[i];
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
  resolved.top_applied.resize(n);
  for (Node begin = 0, end = 0; begin < n; begin = end) {
    end = run_end(begin);
    std::fill(resolved.top_applied.begin() + begin, resolved.top_applied.begin() + end,
              top_of[graph.at(begin).feature]);
  }
}

const StateIndex::ByNode& StateIndex::by_node(const Graph& graph) const {
  Data& d = data();
  if (d.resolved_for == graph.serial()) return d.resolved;
  d.resolved.by_node.assign(graph.size(), nullptr);
  std::vector<bool> used(d.rows.size(), false);
  for (Node n = 0; n < graph.size(); ++n) {
    auto it = d.by_id.find(graph.at(n).id);
    if (it == d.by_id.end()) continue;
    d.resolved.by_node[n] = &d.rows[it->second];
    used[it->second] = true;
  }
  d.resolve_top_applied(graph);
  d.resolved.orphans.clear();
  for (std::size_t i = 0; i < d.rows.size(); ++i) {
    if (!used[i]) d.resolved.orphans.push_back(&d.rows[i]);
  }
  std::sort(d.resolved.orphans.begin(), d.resolved.orphans.end(),
            [](const StateRow* a, const StateRow* b) { return a->id < b->id; });
  d.resolved_for = graph.serial();
  return d.resolved;
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
