#include "trellis/rollback.h"

#include <algorithm>
#include <chrono>

#include "engine/bookkeeping.h"
#include "trellis/error.h"
#include "util/text.h"

namespace trellis {
namespace {

std::vector<Node> start_nodes(const Graph& g, const StateIndex& state, const std::string& target,
                              const std::string& to) {
  std::vector<Node> start;
  if (target.find('/') != std::string::npos) {
    auto n = g.find(target);
    if (!n) throw Error(ErrorKind::kUsage, "no migration '" + target + "'");
    if (!to.empty()) throw Error(ErrorKind::kUsage, "--to goes with a feature, not a migration id");
    if (!state.applied(g.at(*n).id)) throw Error(ErrorKind::kPlan, g.at(*n).id + " is not applied");
    return {*n};
  }
  auto nodes = g.feature_nodes(target);
  if (nodes.empty()) throw Error(ErrorKind::kUsage, "no migration or feature '" + target + "'");
  std::string keep_upto;
  if (!to.empty()) {
    auto t = g.find(to);
    if (!t || g.at(*t).feature != target) {
      throw Error(ErrorKind::kUsage, "--to " + to + " is not a migration of feature '" + target + "'");
    }
    keep_upto = g.at(*t).number;
  }
  for (Node n : nodes) {
    if (!state.applied(g.at(n).id)) continue;
    if (!keep_upto.empty() && compare_numbers(g.at(n).number, keep_upto) <= 0) continue;
    start.push_back(n);
  }
  if (start.empty()) throw Error(ErrorKind::kPlan, "nothing of '" + target + "' to roll back");
  return start;
}

std::int64_t since_ms(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

RollbackPlan plan_rollback(const Graph& g, const StateIndex& state, const std::string& target,
                           const std::string& to) {
  auto start = start_nodes(g, state, target, to);
  std::vector<bool> set = g.descendants(start);
  for (Node n : start) set[n] = true;
  for (Node n = 0; n < g.size(); ++n) set[n] = set[n] && state.applied(g.at(n).id);
  RollbackPlan plan;
  plan.order = g.topo_order(set);
  std::reverse(plan.order.begin(), plan.order.end());
  std::vector<std::string> forward_only;
  for (Node n : plan.order) {
    if (!g.at(n).reversible()) forward_only.push_back(g.at(n).id);
  }
  if (!forward_only.empty()) {
    throw Error(ErrorKind::kPlan,
                "cannot roll back: forward-only migration(s) in the set: " + join(forward_only, ", "),
                "they have no '-- +down' section (or '-- +down irreversible'); write a new migration "
                "that undoes them instead");
  }
  return plan;
}

std::vector<StepOutcome> run_rollback(Driver& driver, const Workspace& ws, const RollbackPlan& plan,
                                      ApplyObserver& observer) {
  std::vector<StepOutcome> out;
  for (Node n : plan.order) {
    const Migration& m = ws.graph().at(n);
    StepOutcome o;
    o.node = n;
    o.attempts = 1;
    observer.on_start(m, 0);
    auto t0 = std::chrono::steady_clock::now();
    bool tx = m.tx == TxMode::kTransactional;
    const Statement* current = nullptr;
    try {
      auto statements = driver.split(m.down.sql, m.down.first_line);
      Timeouts t = timeouts_for(m, ws.env());
      if (tx) driver.begin(t);
      else driver.set_session_timeouts(t);
      for (const auto& st : statements) {
        current = &st;
        driver.execute(st);
      }
      HistoryEvent ev = history_event(m, "rollback");
      ev.duration_ms = since_ms(t0);
      driver.forget(m.id, ev);
      if (tx) driver.commit();
      o.result = StepResult::kApplied;
    } catch (const SqlError& e) {
      driver.rollback();
      if (e.connection_lost()) throw;
      o.result = StepResult::kFailed;
      o.error = e.what();
      if (current != nullptr) {
        o.statement = current->index;
        o.line = current->line;
      }
    }
    o.duration_ms = since_ms(t0);
    observer.on_done(m, o);
    out.push_back(o);
    if (o.result == StepResult::kFailed) break;
  }
  return out;
}

std::string render_rollback_sql(Driver& driver, const Workspace& ws, const RollbackPlan& plan) {
  std::string sql;
  for (Node n : plan.order) {
    const Migration& m = ws.graph().at(n);
    bool tx = m.tx == TxMode::kTransactional;
    sql += "-- rollback " + m.id + " (" + m.path + ")\n";
    if (tx) sql += driver.render_begin(timeouts_for(m, ws.env())) + std::string("\n");
    for (const auto& st : driver.split(m.down.sql, m.down.first_line)) {
      std::string text(trim(st.sql));
      sql += text + (text.empty() || text.back() != ';' ? ";\n" : "\n");
    }
    sql += driver.render_forget(m.id, history_event(m, "rollback"));
    if (sql.back() != '\n') sql += '\n';
    if (tx) sql += driver.render_commit() + std::string("\n");
    sql += "\n";
  }
  return sql;
}

}  // namespace trellis
