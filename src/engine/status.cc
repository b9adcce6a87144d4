#include "trellis/status.h"

#include <map>
#include <string_view>

#include "trellis/replica_locks.h"

namespace trellis {

const char* migration_state_name(MigrationState s) {
  switch (s) {
    case MigrationState::kApplied: return "applied";
    case MigrationState::kPending: return "pending";
    case MigrationState::kFailed: return "failed";
    case MigrationState::kBlocked: return "blocked";
    case MigrationState::kHeld: return "held";
    case MigrationState::kRunning: return "running";
    case MigrationState::kPaused: return "paused";
    case MigrationState::kInterrupted: return "interrupted";
  }
  return "pending";
}

namespace {

const char* which(MigrationState s) {
  switch (s) {
    case MigrationState::kFailed: return "failed";
    case MigrationState::kRunning: return "is running";
    case MigrationState::kPaused: return "is paused";
    default: return "was interrupted";
  }
}

int phase_rank(std::string_view p) { return p == "contract" ? 3 : p == "backfill" ? 2 : p == "expand" ? 1 : 0; }

std::vector<MigrationView> views(const Graph& g, const StateIndex& state, const Plan& plan) {
  std::vector<MigrationView> out(g.size());
  std::vector<Node> broken;
  for (Node n = 0; n < g.size(); ++n) {
    out[n].node = n;
    out[n].row = state.row(g, n);
    if (out[n].row == nullptr) continue;
    RecordedState rs = recorded_state(g.at(n), *out[n].row, state);
    out[n].state = rs.state;
    if (rs.state != MigrationState::kFailed) out[n].reason = rs.detail;
    if (rs.state != MigrationState::kApplied && rs.state != MigrationState::kPending) broken.push_back(n);
  }
  for (const Held& h : plan.held) {
    if (h.reason == HoldReason::kNotSelected || out[h.node].row != nullptr) continue;
    out[h.node].state = MigrationState::kHeld;
    out[h.node].reason = h.detail;
  }
  for (Node b : broken) {
    auto below = g.descendants({b});
    for (Node n = 0; n < g.size(); ++n) {
      if (below[n] && out[n].state == MigrationState::kPending) {
        out[n].state = MigrationState::kBlocked;
        out[n].reason = "depends on " + g.at(b).id + ", which " + which(out[b].state);
      }
    }
  }
  return out;
}

}  // namespace

StatusReport build_status(const Workspace& ws, const StateIndex& state,
                          const std::vector<std::string>& leftovers) {
  const Graph& g = ws.graph();
  StatusReport r;
  Plan plan = make_plan(g, ws.env(), state, PlanOptions{});
  r.migrations = views(g, state, plan);
  std::map<std::string, FeatureSummary> by_feature;
  FeatureSummary* current = nullptr;  // a feature's migrations come one after another
  for (const auto& v : r.migrations) {
    const Migration& m = g.at(v.node);
    if (current == nullptr || current->name != m.feature) {
      current = &by_feature[m.feature];
      current->name = m.feature;
      current->released = ws.env().releases(m.feature);
    }
    FeatureSummary& f = *current;
    switch (v.state) {
      case MigrationState::kApplied:
        ++f.applied;
        f.head = m.id;
        if (phase_rank(phase_name(m.phase)) > phase_rank(f.phase)) f.phase = phase_name(m.phase);
        break;
      case MigrationState::kPending: ++f.pending; break;
      case MigrationState::kFailed: ++f.failed; break;
      case MigrationState::kBlocked: ++f.blocked; break;
      case MigrationState::kHeld: ++f.held; break;
      case MigrationState::kRunning: ++f.running; break;
      case MigrationState::kPaused: ++f.paused; break;
      case MigrationState::kInterrupted: ++f.interrupted; break;
    }
  }
  for (auto& [name, f] : by_feature) r.features.push_back(std::move(f));
  r.warnings = integrity_findings(g, state);
  for (const auto& l : leftovers) {
    r.warnings.push_back(make_finding("leftover", Severity::kWarning, "", "", 0, l));
  }
  return r;
}

StatusInputs read_status_inputs(const Config& config, const Environment& env) {
  StatusInputs in;
  auto driver = open_driver(env.database, OpenMode::kReadOnly, driver_options(config, env));
  in.state = StateIndex(driver->state().load_rows());
  read_activity(*driver, in.state);
  in.leftovers = driver->dialect().find_leftovers();
  in.connection_note = driver->connection().note();
  in.replicas = streaming_replicas(*driver);
  return in;
}

}  // namespace trellis
