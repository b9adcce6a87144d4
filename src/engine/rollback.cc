#include "trellis/rollback.h"

#include <algorithm>
#include <chrono>

#include "engine/bookkeeping.h"
#include "trellis/error.h"
#include "util/clock.h"
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
                "they have no '-- +down' section, or say '-- +down irreversible' (the one way to mark a "
                "migration forward-only); write a new migration that undoes them instead. A down of only "
                "comments, or '-- +down noop', means there is nothing to undo");
  }
  return plan;
}

SplitPlan preflight_rollback(Driver& driver, const Workspace& ws, const RollbackPlan& plan) {
  std::vector<Diagnostic> problems;
  SplitPlan split;
  split.reserve(plan.order.size());
  for (Node n : plan.order) {
    const Migration& m = ws.graph().at(n);
    split.emplace_back();
    try {
      split.back() = driver.dialect().split(m.down.sql, m.down.first_line);
    } catch (const Error& e) {
      for (const Diagnostic& d : e.diagnostics()) problems.push_back(down_split_problem(m, d));
    }
  }
  if (!problems.empty()) {
    throw Error(ErrorKind::kParse, std::move(problems),
                "nothing was rolled back; fix the down section(s) and run rollback again");
  }
  return split;
}

Diagnostic down_split_problem(const Migration& m, Diagnostic d) {
  d = in_file(std::move(d), m);
  d.message += " (down section)";
  return d;
}

namespace {

// The migration stays applied; its row carries the error (status shows it), history a
// "rollback-failed" event.
void record_rollback_failure(Driver& driver, const Migration& m, const StateRow* row_before, const StepOutcome& o,
                             bool transactional) {
  StateRow row = row_before ? *row_before : state_row(m, RecordStatus::kApplied, now_iso8601());
  std::string error = "rollback failed: " + describe_failure(o);
  if (!transactional && o.statement > 1) {
    error += " (the down runs outside a transaction: its first " + std::to_string(o.statement - 1) +
             " statement(s) are done)";
  }
  row.error = error;
  HistoryEvent ev = history_event(m, "rollback-failed");
  ev.error = error;
  ev.duration_ms = o.duration_ms;
  driver.connection().begin(Timeouts{});
  driver.state().record_and_commit(row, ev);
}

StepOutcome roll_back_one(Driver& driver, const Workspace& ws, Node n, const std::vector<Statement>& statements,
                          const StateIndex& state, ApplyObserver& observer) {
  const Migration& m = ws.graph().at(n);
  StepOutcome o;
  o.node = n;
  o.attempts = 1;
  observer.on_start(m, 0);
  if (m.noop_down()) observer.on_note(m, "nothing to undo (its down section has no SQL): only the record goes");
  auto t0 = std::chrono::steady_clock::now();
  bool tx = m.down_tx == TxMode::kTransactional;
  const Statement* current = nullptr;
  try {
    Timeouts t = timeouts_for(m, ws.env());
    if (tx) driver.connection().begin(t);
    else driver.connection().set_session_timeouts(t);
    for (const auto& st : statements) {
      current = &st;
      driver.connection().execute(st);
    }
    current = nullptr;
    HistoryEvent ev = history_event(m, "rollback");
    ev.duration_ms = since_ms(t0);
    driver.state().forget(m.id, ev);
    if (tx) driver.connection().commit();
    o.result = StepResult::kApplied;
  } catch (const SqlError& e) {
    driver.connection().rollback();
    if (e.connection_lost()) throw;
    o.result = StepResult::kFailed;
    o.error = e.what();
    if (current != nullptr) {
      o.statement = current->index;
      o.line = current->line;
    }
  }
  o.duration_ms = since_ms(t0);
  if (o.result == StepResult::kFailed) record_rollback_failure(driver, m, state.find(m.id), o, tx);
  return o;
}

}  // namespace

std::vector<StepOutcome> run_rollback(Driver& driver, const Workspace& ws, const RollbackPlan& plan,
                                      const SplitPlan& split, const StateIndex& state, ApplyObserver& observer) {
  std::vector<StepOutcome> out;
  std::string failed;
  for (std::size_t i = 0; i < plan.order.size(); ++i) {
    Node n = plan.order[i];
    if (!failed.empty()) {
      StepOutcome skipped;
      skipped.node = n;
      skipped.result = StepResult::kNotRun;
      skipped.error = "not attempted: the rollback stopped at " + failed;
      out.push_back(std::move(skipped));
      continue;
    }
    out.push_back(roll_back_one(driver, ws, n, split.at(i), state, observer));
    observer.on_done(ws.graph().at(n), out.back());
    if (out.back().result == StepResult::kFailed) failed = ws.graph().at(n).id;
  }
  return out;
}

std::string render_rollback_sql(Driver& driver, const Workspace& ws, const RollbackPlan& plan) {
  std::string sql;
  for (Node n : plan.order) {
    const Migration& m = ws.graph().at(n);
    bool tx = m.down_tx == TxMode::kTransactional;
    sql += "-- rollback " + m.id + " (" + m.path + ")\n";
    if (tx) sql += driver.dialect().render_begin(timeouts_for(m, ws.env())) + std::string("\n");
    else sql += "-- the down runs outside a transaction (each statement on its own)\n";
    if (m.noop_down()) sql += "-- nothing to undo: the down section has no SQL\n";
    for (const auto& st : driver.dialect().split(m.down.sql, m.down.first_line)) {
      std::string text(trim(st.sql));
      sql += text + (text.empty() || text.back() != ';' ? ";\n" : "\n");
    }
    HistoryEvent event = history_event(m, "rollback");
    event.at = kServerNow;  // when the script runs
    sql += driver.state().render_forget(m.id, event);
    if (sql.back() != '\n') sql += '\n';
    if (tx) sql += driver.dialect().render_commit() + std::string("\n");
    sql += "\n";
  }
  return sql;
}

}  // namespace trellis
