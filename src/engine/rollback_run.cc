// The rollback use case: what `trellis rollback` does between its options and its output.
#include <string>
#include <vector>

#include "trellis/error.h"
#include "trellis/lint_session.h"
#include "trellis/rollback.h"

namespace trellis {
namespace {

// A transactional down with a statement PostgreSQL refuses inside a transaction (CREATE
// INDEX CONCURRENTLY, …) would fail when it runs: refused before anything runs, as lint
// reports it.
void refuse_unrunnable_downs(const Workspace& ws, const StateIndex& state, const RollbackPlan& plan) {
  if (dialect_of(ws) != Dialect::kPostgres) return;  // no CONCURRENTLY
  std::vector<std::string> ids;
  for (Node n : plan.order) ids.push_back(ws.graph().at(n).id);
  LintSession session(ws.project(), ws.graph(), dialect_of(ws), &state);
  std::vector<Diagnostic> problems;
  for (const auto& f : session.run_downs(ids).findings) {
    if (f.code != "concurrently-in-transaction" || f.severity != Severity::kError) continue;
    problems.push_back(error_at(f.code, f.file, f.line, f.message));
  }
  session.save_cache();
  if (problems.empty()) return;
  throw Error(ErrorKind::kParse, std::move(problems),
              "nothing was rolled back; run that down outside a transaction with '-- transaction: down=false'");
}

struct Decided {
  RollbackPlan plan;
  SplitPlan split;
};

Decided decide(Driver& driver, const Workspace& ws, const StateIndex& state, const RollbackRequest& r, bool preview) {
  Decided d{plan_rollback(ws.graph(), state, r.target, r.to), {}};
  if (!preview) refuse_edited(ws.graph(), state);
  d.split = preflight_rollback(driver, ws, d.plan);
  refuse_unrunnable_downs(ws, state, d.plan);
  return d;
}

}  // namespace

RollbackReport roll_back(const Workspace& ws, const RollbackRequest& request, ApplyObserver& observer,
                         const std::function<void(const RollbackReport&)>& on_run_start) {
  bool preview = request.mode != RollbackMode::kRun;
  // Decided on a read-only connection first (a refused rollback creates nothing), then
  // again under the lock on the connection that writes.
  auto driver = ws.connect(OpenMode::kReadOnly);
  StateIndex state(driver->state().load_rows());
  Decided d = decide(*driver, ws, state, request, preview);
  if (!preview) {
    driver = ws.connect_to_write(ws.env().settings.runner_lock_wait);
    state = StateIndex(driver->state().load_rows());
    d = decide(*driver, ws, state, request, preview);
  }
  RollbackReport report;
  report.plan = std::move(d.plan);
  report.target = driver->display_target();
  if (request.mode == RollbackMode::kSql) report.sql = render_rollback_sql(*driver, ws, report.plan);
  if (preview) return report;
  driver->state().ensure();  // the tables exist: something is applied
  if (on_run_start) on_run_start(report);
  report.outcomes = run_rollback(*driver, ws, report.plan, d.split, state, observer);
  return report;
}

}  // namespace trellis
