#include "trellis/stamp.h"

#include "engine/bookkeeping.h"
#include "trellis/error.h"
#include "trellis/plan.h"
#include "util/clock.h"

namespace trellis {
namespace {

Node resolve(const Graph& g, const std::string& id) {
  auto n = g.find(id);
  if (!n) throw Error(ErrorKind::kUsage, "no migration '" + id + "'");
  return *n;
}

}  // namespace

std::vector<Node> plan_stamp(const Workspace& ws, const StateIndex& state,
                             const std::vector<std::string>& ids, bool all) {
  const Graph& g = ws.graph();
  std::vector<Node> start;
  if (all) {
    for (Node n = 0; n < g.size(); ++n) {
      if (ws.env().releases(g.at(n).feature)) start.push_back(n);
    }
  } else {
    for (const auto& id : ids) start.push_back(resolve(g, id));
  }
  std::vector<bool> set = g.ancestors(start);
  for (Node n : start) set[n] = true;
  for (Node n = 0; n < g.size(); ++n) set[n] = set[n] && !state.applied(g.at(n).id);
  return g.topo_order(set);
}

void run_stamp(Driver& driver, const Workspace& ws, const std::vector<Node>& nodes) {
  driver.connection().begin(Timeouts{});
  try {
    for (Node n : nodes) {
      const Migration& m = ws.graph().at(n);
      StateRow row = state_row(m, RecordStatus::kApplied, now_iso8601());
      row.finished_at = row.started_at;
      driver.state().record(row, history_event(m, "stamp"));
    }
    driver.connection().commit();
  } catch (...) {
    driver.connection().rollback();
    throw;
  }
}

std::vector<Node> plan_accept(const Workspace& ws, const StateIndex& state,
                              const std::vector<std::string>& ids, bool all) {
  const Graph& g = ws.graph();
  std::vector<Node> out;
  auto edited = [&](Node n) {
    const StateRow* r = state.find(g.at(n).id);
    return r != nullptr && r->status == RecordStatus::kApplied && r->checksum != g.at(n).checksum;
  };
  if (all) {
    for (Node n = 0; n < g.size(); ++n) {
      if (edited(n)) out.push_back(n);
    }
    return out;
  }
  for (const auto& id : ids) {
    Node n = resolve(g, id);
    if (!state.applied(g.at(n).id)) throw Error(ErrorKind::kUsage, g.at(n).id + " is not applied");
    if (!edited(n)) throw Error(ErrorKind::kPlan, g.at(n).id + " is unchanged since it was applied");
    out.push_back(n);
  }
  return out;
}

void run_accept(Driver& driver, const Workspace& ws, const StateIndex& state,
                const std::vector<Node>& nodes) {
  driver.connection().begin(Timeouts{});
  try {
    for (Node n : nodes) {
      const Migration& m = ws.graph().at(n);
      StateRow row = *state.find(m.id);
      row.checksum = m.checksum;
      driver.state().record(row, history_event(m, "accept"));
    }
    driver.connection().commit();
  } catch (...) {
    driver.connection().rollback();
    throw;
  }
}

}  // namespace trellis
