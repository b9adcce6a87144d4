#include "trellis/backfill_report.h"

#include <map>

#include "backfill/backfill_estimate.h"
#include "trellis/error.h"

namespace trellis {
namespace {

Node select_one(const Graph& g, const std::string& id) {
  auto n = g.find(id);
  if (!n) throw Error(ErrorKind::kUsage, "no migration '" + id + "'");
  if (!g.at(*n).batch) {
    throw Error(ErrorKind::kUsage, g.at(*n).id + " is not a batched backfill (it has no '-- batch:' directive)");
  }
  return *n;
}

BackfillView view_of(Driver& driver, const Graph& g, Node n, const std::map<std::string, BackfillCheckpoint>& cps,
                     const std::map<std::string, const StateRow*>& rows) {
  const Migration& m = g.at(n);
  BackfillView v;
  v.node = n;
  auto row = rows.find(m.id);
  bool applied = row != rows.end() && row->second->status == RecordStatus::kApplied;
  auto cp = cps.find(m.id);
  if (cp == cps.end()) {
    v.state = applied ? "applied" : "pending";
    if (!applied) v.rows_remaining = estimate_remaining(driver, *m.batch, std::nullopt, 0);
    return v;
  }
  const BackfillCheckpoint& c = cp->second;
  v.checkpoint = c;
  v.state = backfill_status_name(c.status);
  if (c.active_ms > 0) v.rows_per_second = static_cast<double>(c.rows_done) * 1000.0 / static_cast<double>(c.active_ms);
  if (c.status == BackfillStatus::kDone) {
    v.rows_remaining = 0;
    return v;
  }
  v.rows_remaining = estimate_remaining(driver, *m.batch, c.last_key, c.rows_done);
  if (v.rows_remaining && v.rows_per_second > 0) {
    v.eta_seconds = static_cast<double>(*v.rows_remaining) / v.rows_per_second;
  }
  return v;
}

}  // namespace

std::vector<BackfillView> backfill_report(Driver& driver, const Graph& g, const std::vector<StateRow>& state,
                                          const std::string& only_id) {
  std::map<std::string, BackfillCheckpoint> cps;
  for (auto& c : driver.state().load_checkpoints()) cps.emplace(c.id, std::move(c));
  std::map<std::string, const StateRow*> rows;
  for (const auto& r : state) rows.emplace(r.id, &r);
  std::vector<BackfillView> out;
  if (!only_id.empty()) {
    out.push_back(view_of(driver, g, select_one(g, only_id), cps, rows));
    return out;
  }
  for (Node n = 0; n < g.size(); ++n) {
    if (g.at(n).batch) out.push_back(view_of(driver, g, n, cps, rows));
  }
  return out;
}

}  // namespace trellis
