#include "cli/apply_observer.h"
#include "cli/commands.h"
#include "cli/confirm.h"
#include "cli/output.h"
#include "trellis/error.h"
#include "trellis/rollback.h"

namespace trellis::cli {
namespace {

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

void print_order(const Workspace& ws, const RollbackPlan& plan) {
  for (Node n : plan.order) {
    const Migration& m = ws.graph().at(n);
    Output::get().line("  " + m.id + (m.noop_down() ? " (nothing to undo)" : ""));
  }
}

}  // namespace

Runner setup_rollback(CLI::App& sub, const Globals& g) {
  struct Flags {
    std::string target, to;
    bool dry_run = false, sql = false, yes = false;
  };
  auto f = std::make_shared<Flags>();
  sub.add_option("TARGET", f->target, "A migration id, or a feature name")->required();
  sub.add_option("--to", f->to, "With a feature: keep this migration and the ones before it")->type_name("ID");
  sub.add_flag("--dry-run", f->dry_run, "Show what would be rolled back; change nothing");
  sub.add_flag("--sql", f->sql, "Print the SQL that would run; change nothing");
  sub.add_flag("-y,--yes", f->yes, "Roll back without asking (for scripts; without a terminal it is required)");
  sub.footer("Everything applied that depends on the target is rolled back first, in reverse "
             "dependency order. Refused, with nothing changed (exit 2), if any of them is forward-only, "
             "its file was edited since it was applied (revert it or 'trellis accept ID'), or a down "
             "section does not parse. A down of only comments, or '-- +down noop', undoes nothing "
             "and only forgets the record. A failed down is recorded (status shows it) and stops "
             "the rollback (exit 1). Shows what it will roll back and asks on a terminal; without one it "
             "needs --yes (exit 2, nothing changed).");
  return [&g, f]() {
    Workspace ws = g.workspace();
    const Output& out = Output::get();
    RollbackRequest request{f->target, f->to, f->sql ? RollbackMode::kSql
                                               : f->dry_run ? RollbackMode::kDryRun : RollbackMode::kRun};
    Consent consent{f->yes, request.mode != RollbackMode::kRun};
    if (!consent.yes && !consent.dry_run && !on_terminal()) {
      PrintingObserver silent(true);
      RollbackReport would = roll_back(ws, {f->target, f->to, RollbackMode::kDryRun}, silent);
      out.line(out.paint(Style::kBold, "Rollback would undo " + std::to_string(would.plan.order.size()) +
                                           " migration(s) in " + would.target + ":"));
      print_order(ws, would.plan);
      consent.require_answerable("rollback");
    }
    auto header = [&](const RollbackReport& r) {
      if (!consent.yes && !consent.dry_run) {  // under the runner lock: the plan that will run
        out.line(out.paint(Style::kBold, "Would roll back " + std::to_string(r.plan.order.size()) +
                                             " migration(s) in " + r.target + ", running their down sections:"));
        print_order(ws, r.plan);
        if (!consent.ask("Roll back " + std::to_string(r.plan.order.size()) + " migration(s) in " + r.target + "?")) {
          throw Error(ErrorKind::kUsage, "not confirmed: nothing was rolled back", "pass --yes to roll back without asking");
        }
      }
      out.line(out.paint(Style::kBold, (f->dry_run ? "Would roll back " : "Rolling back ") +
                                           std::to_string(r.plan.order.size()) + " migration(s)") +
               " in " + r.target + ":");
    };
    PrintingObserver observer(false);
    RollbackReport r = roll_back(ws, request, observer, header);
    if (f->sql) {
      std::fputs(r.sql.c_str(), stdout);
      return 0;
    }
    if (f->dry_run) {
      header(r);
      print_order(ws, r.plan);
      return 0;
    }
    return print_rollback_summary(ws.graph(), r.outcomes);
  };
}

}  // namespace trellis::cli
