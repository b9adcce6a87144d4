// Runs a plan: a failed migration blocks only its own dependents; independent migrations
// go on (unless --fail-fast).
#include "trellis/apply.h"

#include "engine/bookkeeping.h"
#include "engine/migration_runner.h"
#include "engine/units.h"
#include "trellis/error.h"
#include "util/clock.h"

namespace trellis {

const char* step_result_name(StepResult r) {
  switch (r) {
    case StepResult::kApplied: return "applied";
    case StepResult::kFailed: return "failed";
    case StepResult::kBlocked: return "blocked";
    case StepResult::kNotRun: return "not-run";
  }
  return "not-run";
}

std::string describe_failure(const StepOutcome& o) {
  if (o.statement == 0) return o.error;
  return statement_location(o.statement, o.line) + ": " + o.error;
}

Diagnostic in_file(Diagnostic d, const Migration& m) {
  if (d.file.empty()) d.file = m.path;
  if (d.id.empty()) d.id = m.id;
  return d;
}

Timeouts timeouts_for(const Migration& m, const Environment& env) {
  Timeouts t;
  t.lock_timeout = m.lock_timeout.value_or(env.settings.lock_timeout);
  t.statement_timeout = m.statement_timeout.value_or(env.settings.statement_timeout);
  return t;
}

SplitPlan preflight(Driver& driver, const Workspace& ws, const Plan& plan) {
  std::vector<Diagnostic> problems;
  SplitPlan split;
  split.reserve(plan.steps.size());
  for (const Step& step : plan.steps) {
    const Migration& m = ws.graph().at(step.node);
    split.emplace_back();
    try {
      split.back() = driver.dialect().split(m.up.sql, m.up.first_line);
      for (Statement& st : split.back()) st.traits = driver.dialect().traits(st);
      if (!m.batch) units_of(m.path, m.tx, split.back(), problems);
    } catch (const Error& e) {
      for (Diagnostic d : e.diagnostics()) problems.push_back(in_file(std::move(d), m));
    }
  }
  if (!problems.empty()) {
    throw Error(ErrorKind::kParse, std::move(problems),
                "nothing was applied; fix the SQL and run apply again");
  }
  return split;
}

std::vector<StepOutcome> run_plan(Driver& driver, const Workspace& ws, const Plan& plan,
                                  const SplitPlan& split, const ApplyOptions& options,
                                  ApplyObserver& observer) {
  const Graph& g = ws.graph();
  StateIndex state(driver.state().load_rows());
  std::vector<const StepOutcome*> outcome_of(g.size(), nullptr);
  std::vector<StepOutcome> out;
  out.reserve(plan.steps.size());
  bool stop = false;
  for (std::size_t i = 0; i < plan.steps.size(); ++i) {
    const Step& step = plan.steps[i];
    const Migration& m = g.at(step.node);
    StepOutcome o;
    o.node = step.node;
    for (Node d : g.dependencies(step.node)) {
      const StepOutcome* dep = outcome_of[d];
      if (dep != nullptr && dep->result != StepResult::kApplied) {
        o.result = StepResult::kBlocked;
        o.blocked_by = g.at(d).id;
        break;
      }
    }
    if (stop && o.result != StepResult::kBlocked) o.result = StepResult::kNotRun;
    if (!stop && o.result != StepResult::kBlocked) {
      o = MigrationRunner(driver, ws.env(), observer).run(step.node, m, state.find(m.id), split.at(i));
      if (o.result == StepResult::kFailed && options.on_failure == FailurePolicy::kFailFast) stop = true;
    }
    observer.on_done(m, o);
    out.push_back(std::move(o));
    outcome_of[step.node] = &out.back();
  }
  return out;
}

namespace {

// Appends `text`, ending it with a line break.
void add_line(std::string& sql, const std::string& text) {
  if (text.empty()) return;
  sql += text;
  if (sql.back() != '\n') sql += '\n';
}

}  // namespace

std::string render_plan_sql(Driver& driver, const Workspace& ws, const Plan& plan) {
  std::string sql = "-- trellis' own tables\n";
  add_line(sql, driver.state().render_ddl());
  sql += "\n";
  const Graph& g = ws.graph();
  for (const Step& step : plan.steps) {
    const Migration& m = g.at(step.node);
    sql += "-- " + m.id + " (" + m.path + ")\n";
    Timeouts t = timeouts_for(m, ws.env());
    bool tx = m.tx == TxMode::kTransactional;
    if (m.batch) {
      throw Error(ErrorKind::kUsage,
                  m.path + ": " + m.id + " is a batched backfill: its batches (:lo/:hi, a checkpoint per batch) "
                  "cannot be written as one script",
                  "run it with 'trellis apply', or stop the script before it: apply --sql --to <the migration before "
                  "it>");
    }
    if (tx) add_line(sql, driver.dialect().render_begin(t));
    else {
      add_line(sql, "-- transaction: false (each statement runs on its own)");
      add_line(sql, driver.dialect().render_session_timeouts(t));
    }
    auto statements = driver.dialect().split(m.up.sql, m.up.first_line);
    for (const auto& st : statements) {
      std::string text = st.sql;
      while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
      if (text.empty() || text.back() != ';') text += ";";
      add_line(sql, text);
    }
    StateRow row = state_row(m, RecordStatus::kApplied, kServerNow);  // when the script runs
    row.finished_at = row.started_at;
    row.statements_done = static_cast<int>(statements.size());
    HistoryEvent event = history_event(m, "apply");
    event.at = kServerNow;
    if (!tx) add_line(sql, driver.dialect().render_session_reset(t));
    add_line(sql, driver.state().render_record(row, event));
    if (tx) add_line(sql, driver.dialect().render_commit());
    sql += "\n";
  }
  return sql;
}

}  // namespace trellis
