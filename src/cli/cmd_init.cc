#include <filesystem>

#include "cli/commands.h"
#include "cli/output.h"
#include "trellis/error.h"
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

Runner setup_new(CLI::App& sub, const Globals& g) {
  struct Flags {
    NewMigration spec;
    std::string phase = "expand";
    bool no_tx = false;
  };
  auto f = std::make_shared<Flags>();
  sub.add_option("FEATURE", f->spec.feature, "Feature (directory under migrations/)")->required();
  sub.add_option("NAME", f->spec.name, "What the migration does, e.g. add_users")->required();
  sub.add_option("--requires", f->spec.requires_ids, "Migration of another feature this one needs (repeatable)")
      ->type_name("ID");
  sub.add_option("--phase", f->phase, "expand, backfill or contract")
      ->check(CLI::IsMember({"expand", "backfill", "contract"}));
  sub.add_flag("--no-transaction", f->no_tx, "Run outside a transaction (for CREATE INDEX CONCURRENTLY)");
  return [&g, f]() {
    Config config = load_config(g.dir);
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(g.dir) / config.migrations_dir, ec);
    Project p = load_project(g.dir);
    f->spec.phase = f->phase == "contract" ? Phase::kContract : f->phase == "backfill" ? Phase::kBackfill : Phase::kExpand;
    f->spec.tx = f->no_tx ? TxMode::kNone : TxMode::kTransactional;
    Output::get().line(write_new_migration(p, f->spec));
    return 0;
  };
}

}  // namespace trellis::cli
