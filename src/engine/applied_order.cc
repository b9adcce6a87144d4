// applied_order.cc — the applied migrations in the order the database recorded them
// (drift.h), which is the order a replay must follow to make the same schema.
#include <algorithm>
#include <cstdint>
#include <string_view>
#include <tuple>
#include <unordered_map>

#include "engine/drift.h"

namespace trellis {

AppliedOrder applied_in_recorded_order(const Graph& graph, const StateIndex& state,
                                       const std::vector<HistoryEvent>& history) {
  // The last event that made each migration applied; later events overwrite earlier ones.
  // adopt records in dependency order, in one transaction (its rows share a timestamp).
  std::unordered_map<std::string_view, std::int64_t> made_applied;
  for (const HistoryEvent& e : history) {
    if (e.action == "apply" || e.action == "stamp" || e.action == "adopt") made_applied[e.id] = e.seq;
  }
  struct Entry {
    std::int64_t seq;  // -1: no event (ordered first)
    const StateRow* row;
    const Migration* migration;
  };
  std::vector<Entry> entries;
  AppliedOrder out;
  const StateIndex::ByNode& rows = state.by_node(graph);
  for (Node n = 0; n < graph.size(); ++n) {
    const StateRow* r = rows.by_node[n];
    if (r == nullptr || r->status != RecordStatus::kApplied) continue;
    auto it = made_applied.find(r->id);
    entries.push_back({it == made_applied.end() ? -1 : it->second, r, &graph.at(n)});
  }
  for (const StateRow* r : rows.orphans) {
    if (r->status == RecordStatus::kApplied) out.without_file.push_back(r);
  }
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return std::tie(a.seq, a.row->finished_at, a.row->id) < std::tie(b.seq, b.row->finished_at, b.row->id);
  });
  out.migrations.reserve(entries.size());
  for (const Entry& e : entries) out.migrations.push_back(e.migration);
  return out;
}

}  // namespace trellis
