#include "cli/apply_observer.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "trellis/error.h"
#include "trellis/rollback.h"

namespace trellis::cli {

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
             "dependency order. Refused, with nothing changed, if any of them is forward-only.");
  return [&g, f]() {
    Workspace ws = g.workspace();
    const Output& out = Output::get();
    bool preview = f->dry_run || f->sql;
    // Decided on a read-only connection first: a refused rollback creates nothing.
    auto driver = ws.connect(OpenMode::kReadOnly);
    StateIndex state(driver->load_state());
    RollbackPlan plan = plan_rollback(ws.graph(), state, f->target, f->to);
    if (!preview) {
      driver = ws.connect_to_write(ws.env().settings.runner_lock_wait);
      state = StateIndex(driver->load_state());
      plan = plan_rollback(ws.graph(), state, f->target, f->to);
    }
    if (f->sql) {
      std::fputs(render_rollback_sql(*driver, ws, plan).c_str(), stdout);
      return 0;
    }
    out.line(out.paint(Style::kBold, (f->dry_run ? "Would roll back " : "Rolling back ") +
                                         std::to_string(plan.order.size()) + " migration(s)") +
             " in " + driver->display_target() + ":");
    if (f->dry_run) {
      for (Node n : plan.order) out.line("  " + ws.graph().at(n).id);
      return 0;
    }
    PrintingObserver observer(false);
    auto outcomes = run_rollback(*driver, ws, plan, observer);
    print_summary(ws.graph(), outcomes, "rolled back");
    for (const auto& o : outcomes) {
      if (o.result != StepResult::kApplied) return static_cast<int>(ExitCode::kFailed);
    }
    return outcomes.size() == plan.order.size() ? 0 : static_cast<int>(ExitCode::kFailed);
  };
}

}  // namespace trellis::cli
