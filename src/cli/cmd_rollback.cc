#include "cli/apply_observer.h"
#include "cli/commands.h"
#include "cli/lint_view.h"
#include "cli/output.h"
#include "trellis/error.h"
#include "trellis/integrity.h"
#include "trellis/rollback.h"
#include "util/text.h"

namespace trellis::cli {
namespace {

// A transactional down with a statement PostgreSQL refuses inside a transaction (CREATE
// INDEX CONCURRENTLY, …) would fail when it runs: refused before anything runs, as lint
// reports it.
void refuse_unrunnable_downs(const Workspace& ws, const StateIndex& state, const RollbackPlan& plan) {
  if (dialect_of_url(ws.env().database) != Dialect::kPostgres) return;  // no CONCURRENTLY
  std::vector<std::string> ids;
  for (Node n : plan.order) ids.push_back(ws.graph().at(n).id);
  LintSession session(ws.project(), ws.graph(), dialect_of_url(ws.env().database), &state);
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

// "Summary: 2 rolled back, 1 failed, 3 not attempted", after a table of what did not roll back.
int print_rollback_summary(const Graph& g, const std::vector<StepOutcome>& outcomes) {
  const Output& out = Output::get();
  int done = 0, failed = 0, skipped = 0;
  std::vector<std::vector<std::string>> rows;
  for (const auto& o : outcomes) {
    done += o.result == StepResult::kApplied;
    failed += o.result == StepResult::kFailed;
    skipped += o.result == StepResult::kNotRun;
    if (o.result == StepResult::kApplied) continue;
    bool fail = o.result == StepResult::kFailed;
    rows.push_back({g.at(o.node).id, out.paint(style_for_state(fail ? "failed" : "not-run"), fail ? "failed" : "not attempted"),
                    fail ? describe_failure(o) + " (still applied; see status)" : o.error});
  }
  out.line();
  if (!rows.empty()) {
    out.table({"migration", "result", "why"}, rows);
    out.line();
  }
  std::string summary = std::to_string(done) + " rolled back, " + std::to_string(failed) + " failed, " +
                        std::to_string(skipped) + " not attempted";
  out.line(out.paint(failed + skipped > 0 ? Style::kRed : Style::kGreen, "Summary: ") + summary);
  return failed + skipped > 0 ? static_cast<int>(ExitCode::kFailed) : 0;
}

}  // namespace

Runner setup_rollback(CLI::App& sub, const Globals& g) {
  struct Flags {
    std::string target, to;
    bool dry_run = false, sql = false;
  };
  auto f = std::make_shared<Flags>();
  sub.add_option("TARGET", f->target, "A migration id, or a feature name")->required();
  sub.add_option("--to", f->to, "With a feature: keep this migration and the ones before it")->type_name("ID");
  sub.add_flag("--dry-run", f->dry_run, "Show what would be rolled back; change nothing");
  sub.add_flag("--sql", f->sql, "Print the SQL that would run; change nothing");
  sub.footer("Everything applied that depends on the target is rolled back first, in reverse "
             "dependency order. Refused, with nothing changed (exit 2), if any of them is forward-only, "
             "its file was edited since it was applied (revert it or 'trellis accept ID'), or a down "
             "section does not parse. A down of only comments, or '-- +down noop', undoes nothing "
             "and only forgets the record. A failed down is recorded (status shows it) and stops "
             "the rollback (exit 1).");
  return [&g, f]() {
    Workspace ws = g.workspace();
    const Output& out = Output::get();
    bool preview = f->dry_run || f->sql;
    // Decided on a read-only connection first (a refused rollback creates nothing), then
    // again under the lock on the connection that writes.
    auto driver = ws.connect(OpenMode::kReadOnly);
    StateIndex state(driver->state().load_rows());
    RollbackPlan plan = plan_rollback(ws.graph(), state, f->target, f->to);
    if (!preview) refuse_edited(ws.graph(), state);
    SplitPlan split = preflight_rollback(*driver, ws, plan);
    refuse_unrunnable_downs(ws, state, plan);
    if (!preview) {
      driver = ws.connect_to_write(ws.env().settings.runner_lock_wait);
      state = StateIndex(driver->state().load_rows());
      plan = plan_rollback(ws.graph(), state, f->target, f->to);
      refuse_edited(ws.graph(), state);
      split = preflight_rollback(*driver, ws, plan);
      refuse_unrunnable_downs(ws, state, plan);
    }
    if (f->sql) {
      std::fputs(render_rollback_sql(*driver, ws, plan).c_str(), stdout);
      return 0;
    }
    out.line(out.paint(Style::kBold, (f->dry_run ? "Would roll back " : "Rolling back ") +
                                         std::to_string(plan.order.size()) + " migration(s)") +
             " in " + driver->display_target() + ":");
    if (f->dry_run) {
      for (Node n : plan.order) {
        const Migration& m = ws.graph().at(n);
        out.line("  " + m.id + (m.noop_down() ? " (nothing to undo)" : ""));
      }
      return 0;
    }
    driver->state().ensure();  // the tables exist: something is applied
    PrintingObserver observer(false);
    auto outcomes = run_rollback(*driver, ws, plan, split, state, observer);
    return print_rollback_summary(ws.graph(), outcomes);
  };
}

}  // namespace trellis::cli
