#include "cli/commands.h"

namespace trellis::cli {

const std::vector<Command>& command_table() {
  static const std::vector<Command> table = {
      {"init", "Create trellis.toml, migrations/ and an example feature", setup_init},
      {"new", "Write the next migration file of a feature", setup_new},
      {"plan", "Show what apply would do, and what is held back and why", setup_plan},
      {"apply", "Apply pending migrations of the released features", setup_apply},
      {"rollback", "Roll back a migration or feature and everything applied that depends on it",
       setup_rollback},
      {"status", "Per feature: applied, pending, failed, blocked, held", setup_status},
      {"history", "What was applied, rolled back or stamped, when and by whom", setup_history},
      {"graph", "The migration graph as text, Graphviz dot or Mermaid", setup_graph},
      {"stamp", "Record migrations as applied without running them", setup_stamp},
      {"accept", "Accept the new checksum of an edited, applied migration", setup_accept},
      {"repair", "Fix the bookkeeping after a failure: clear failed rows, drop rows of vanished files", setup_repair},
      {"forget", "Remove a migration's row after undoing it by hand, so apply runs it again", setup_forget},
      {"check", "CI gate: file integrity and agreement between files and database", setup_check},
      {"lint", "Zero-downtime lint rules and cross-feature conflict analysis", setup_lint},
      {"import", "Convert another tool's migrations (golang-migrate, dbmate, goose, flyway, sqitch, diesel, alembic, dag)",
       setup_import},
      {"adopt", "Take over a database another tool migrated, from its history table, running nothing", setup_adopt},
      {"schema", "The live database's schema as Trellis' normalized model (text or --json)", setup_schema},
      {"diff", "Compare two schemas: environments, database URLs or saved schema JSON", setup_diff},
      {"verify", "Prove the plan is safe to reorder, and that every down undoes its up, on scratch databases",
       setup_verify},
      {"wait", "Wait until the database has given migrations (init containers, readiness probes)", setup_wait},
      {"fleet", "The project over many databases, in parallel, each isolated (plan|apply|status --targets FILE)",
       setup_fleet},
      // Zero-downtime workflow.
      {"backfill", "Progress, pause and resume of batched backfills (status|pause|resume)", setup_backfill},
      // Around the tool.
      {"completions", "Print a bash, zsh or fish completion script", setup_completions},
      {"man", "Print the trellis(1) man page (roff)", setup_man},
  };
  return table;
}

}  // namespace trellis::cli
