#include "trellis/backfill_report.h"

#include <map>

#include "backfill/backfill_estimate.h"
#include "trellis/error.h"
#include "util/clock.h"

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

struct Inputs {
  std::map<std::string, BackfillCheckpoint> checkpoints;
  std::map<std::string, const StateRow*> rows;
  bool runner_live = false;
  std::int64_t now_ms = 0;
};

BackfillView view_of(Driver& driver, const Graph& g, Node n, const Inputs& in) {
  const Migration& m = g.at(n);
  BackfillView v;
  v.node = n;
  auto row = in.rows.find(m.id);
  auto cp = in.checkpoints.find(m.id);
  const BackfillCheckpoint* c = cp == in.checkpoints.end() ? nullptr : &cp->second;
  v.state = backfill_state(row == in.rows.end() ? nullptr : row->second, c, in.runner_live);
  if (c != nullptr && !(c->status == BackfillStatus::kDone && v.state == BackfillState::kPending)) v.checkpoint = *c;
  if (v.state == BackfillState::kDone) {
    v.rows_remaining = 0;
    if (v.checkpoint) v.rows_per_second = wall_rows_per_second(*c, v.state, in.now_ms);
    return v;
  }
  if (!v.checkpoint) {
    v.rows_remaining = estimate_remaining(driver, *m.batch, std::nullopt, 0);
    return v;
  }
  v.rows_per_second = wall_rows_per_second(*c, v.state, in.now_ms);
  v.rows_remaining = estimate_remaining(driver, *m.batch, c->last_key, c->rows_done);
  if (v.state == BackfillState::kRunning && v.rows_remaining && v.rows_per_second > 0) {
    v.eta_seconds = static_cast<double>(*v.rows_remaining) / v.rows_per_second;
  }
  return v;
}

}  // namespace

std::vector<BackfillView> backfill_report(Driver& driver, const Graph& g, const std::vector<StateRow>& state,
                                          const std::string& only_id) {
  Inputs in;
  bool started = false;
  for (auto& c : driver.state().load_checkpoints()) {
    started = started || c.status == BackfillStatus::kRunning;
    in.checkpoints.emplace(c.id, std::move(c));
  }
  for (const auto& r : state) {
    started = started || r.status == RecordStatus::kRunning;
    in.rows.emplace(r.id, &r);
  }
  if (started) in.runner_live = driver.lock().held_by_a_runner();
  in.now_ms = now_unix_ms();
  std::vector<BackfillView> out;
  if (!only_id.empty()) {
    out.push_back(view_of(driver, g, select_one(g, only_id), in));
    return out;
  }
  for (Node n = 0; n < g.size(); ++n) {
    if (g.at(n).batch) out.push_back(view_of(driver, g, n, in));
  }
  return out;
}

}  // namespace trellis
