#include "trellis/plan.h"

namespace trellis {

StateIndex::StateIndex(std::vector<StateRow> rows) : rows_(std::move(rows)) {
  for (std::size_t i = 0; i < rows_.size(); ++i) by_id_.emplace(rows_[i].id, i);
}

const StateRow* StateIndex::find(const std::string& id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &rows_[it->second];
}

bool StateIndex::applied(const std::string& id) const {
  const StateRow* r = find(id);
  return r != nullptr && r->status == RecordStatus::kApplied;
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
