#include <filesystem>

#include "cli/commands.h"
#include "cli/output.h"
#include "trellis/error.h"
#include "trellis/patterns.h"
#include "trellis/scaffold.h"

namespace trellis::cli {

Runner setup_init(CLI::App& sub, const Globals& g) {
  auto dir = std::make_shared<std::string>();
  sub.add_option("DIR", *dir, "Where to create the project (default: -C or the current directory)");
  return [&g, dir]() {
    std::string target = dir->empty() ? g.dir : *dir;
    auto written = init_project(target);
    const Output& out = Output::get();
    for (const auto& w : written) out.line("created " + w);
    out.line("next: trellis -C " + target + " plan, then trellis -C " + target + " apply");
    return 0;
  };
}

namespace {

// `new --pattern P`: the whole zero-downtime sequence of a schema change (trellis/patterns.h).
void add_pattern_options(CLI::App& sub, PatternOptions& o) {
  sub.add_option("--pattern", o.pattern, "Write the safe multi-migration sequence of a change (PostgreSQL)")
      ->check(CLI::IsMember(pattern_names()));
  sub.add_option("--table", o.table, "Table the pattern changes");
  sub.add_option("--column", o.column, "Column (comma-separated for add-index and add-unique-constraint)");
  sub.add_option("--type", o.type, "Column type (add-not-null-column, rename-column, change-column-type)");
  sub.add_option("--default", o.default_expr, "Value for existing and new rows (add-not-null-column)")
      ->type_name("EXPR");
  sub.add_option("--ref-table", o.ref_table, "Referenced table (add-foreign-key)");
  sub.add_option("--ref-column", o.ref_column, "Referenced column (add-foreign-key; default id)");
  sub.add_option("--new-name", o.new_name, "New column name (rename-column; change-column-type: default COLUMN_new)");
  sub.add_option("--key", o.key, "Indexed key the backfill walks (default id)");
  sub.add_option("--batch-size", o.batch_size, "Rows per backfill batch (default 10000)");
}

}  // namespace

Runner setup_new(CLI::App& sub, const Globals& g) {
  struct Flags {
    NewMigration spec;
    std::string phase = "expand";
    bool no_tx = false;
    PatternOptions pattern;  // --pattern and its options
  };
  auto f = std::make_shared<Flags>();
  sub.add_option("FEATURE", f->spec.feature, "Feature (directory under migrations/)")->required();
  sub.add_option("NAME", f->spec.name, "What the migration does, e.g. add_users")->required();
  sub.add_option("--requires", f->spec.requires_ids, "Migration of another feature this one needs (repeatable)")
      ->type_name("ID");
  sub.add_option("--phase", f->phase, "expand, backfill or contract")
      ->check(CLI::IsMember({"expand", "backfill", "contract"}));
  sub.add_flag("--no-transaction", f->no_tx, "Run outside a transaction (for CREATE INDEX CONCURRENTLY)");
  add_pattern_options(sub, f->pattern);
  return [&g, f]() {
    Config config = load_config(g.dir);
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(g.dir) / config.migrations_dir, ec);
    Project p = load_project(g.dir);
    if (!f->pattern.pattern.empty()) {
      check_requires_exist(p, f->spec.requires_ids);
      for (const auto& path : write_pattern(p, f->spec.feature, f->pattern, f->spec.requires_ids)) {
        Output::get().line(path);
      }
      return 0;
    }
    f->spec.phase = f->phase == "contract" ? Phase::kContract : f->phase == "backfill" ? Phase::kBackfill : Phase::kExpand;
    f->spec.tx = f->no_tx ? TxMode::kNone : TxMode::kTransactional;
    Output::get().line(write_new_migration(p, f->spec));
    return 0;
  };
}

}  // namespace trellis::cli
