#include "cli/commands.h"
#include "cli/output.h"
#include "cli/verify_view.h"
#include "trellis/error.h"
#include "trellis/verify.h"

namespace trellis::cli {

Runner setup_verify(CLI::App& sub, const Globals& g) {
  struct Flags {
    bool json = false, all = false, no_stairway = false;
    int orders = 3;
    std::uint64_t seed = 0;
    std::string scratch;
    unsigned jobs = 0;
  };
  auto f = std::make_shared<Flags>();
  sub.add_flag("--json", f->json, "Machine-readable output (see docs/json.md)");
  sub.add_flag("--all", f->all, "Every migration of the project, not only the environment's released plan");
  sub.add_option("--orders", f->orders, "Distinct orders to compare, the planner's included (default 3)")
      ->type_name("N")
      ->check(CLI::Range(1, 1000));
  auto* seed = sub.add_option("--seed", f->seed, "Seed of the random orders (default: drawn, and printed)")
                   ->type_name("S");
  sub.add_flag("--no-stairway", f->no_stairway, "Skip the up → down → up check of reversible migrations");
  sub.add_option("--scratch", f->scratch,
                 "Make scratch databases on this server (URL), not on the environment's own; overrides scratch_database in trellis.toml; SQLite: in memory")
      ->type_name("URL");
  sub.add_option("--jobs", f->jobs, "Replays at once (default: one per CPU, at least 2)")->type_name("N");
  sub.footer(
      "Replays the migrations of the environment's plan on an empty database (contract migrations "
      "included; with --all, the whole project) on scratch databases, in several valid orders: the "
      "planner's, the one with every tie broken the other way, and random ones drawn from the seed. "
      "Orders that share a prefix replay it once (the scratch database is forked there). The "
      "schemas they end with must be equal. When two orders end differently, verify names two "
      "independent migrations whose relative order changes the outcome (a different schema, or a "
      "migration that fails in one order only), what differs, and the '-- requires:' line that "
      "fixes the order. Then the stairway: in the planner's order each reversible migration goes "
      "up, down and up again; its down must leave the schema exactly as before its up, and the "
      "second up must succeed (costs two schema reads per migration; --no-stairway skips it). "
      "Nothing is written to the environment's database. Exit 1 on any finding, 2 on bad input, "
      "3 when no scratch database can be made.");
  return [&g, f, seed]() {
    Workspace ws = g.workspace();
    VerifyOptions options;
    options.all = f->all;
    options.orders = f->orders;
    if (seed->count() > 0) options.seed = f->seed;
    options.stairway = !f->no_stairway;
    options.scratch_url = f->scratch;
    options.jobs = f->jobs;
    VerifyReport report = verify_project(ws, options);
    if (f->json) {
      Output::get().json(verify_json(report));
    } else {
      print_verify_report(ws.env().name, report);
    }
    return static_cast<int>(report.ok() ? ExitCode::kOk : ExitCode::kFailed);
  };
}

}  // namespace trellis::cli
