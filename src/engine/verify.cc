// verify.cc — the verify use case (trellis/verify.h): the orders on a trie of scratch
// databases and the stairway, side by side on a few threads, then the findings.
#include "trellis/verify.h"

#include <algorithm>
#include <random>
#include <thread>

#include "engine/order_trie.h"
#include "engine/drift.h"
#include "engine/scratch_sites.h"
#include "engine/verify_findings.h"
#include "trellis/error.h"
#include "trellis/plan.h"
#include "trellis/scratch.h"

namespace trellis {
namespace {

// The environment's plan on an empty database, contract migrations included (they run
// there with --contract), or with `all` every migration, in the planner's order.
std::vector<Node> planned_nodes(const Workspace& ws, bool all) {
  const Graph& graph = ws.graph();
  if (all) return graph.topo_order(std::vector<bool>(graph.size(), true));
  PlanOptions options;
  options.contract = true;
  Plan plan = make_plan(graph, ws.env(), StateIndex{}, options);
  std::vector<Node> nodes;
  nodes.reserve(plan.steps.size());
  for (const Step& s : plan.steps) nodes.push_back(s.node);
  return nodes;
}

// 32 bits: short enough to read off a log and type in again.
std::uint64_t drawn_seed() {
  std::random_device device;
  return device() & 0xFFFFFFFFu;
}

std::unique_ptr<ScratchServer> scratch_server(const Workspace& ws, const VerifyOptions& options) {
  const Environment& env = ws.env();
  std::string scratch_url = scratch_url_for(ws, options.scratch_url, "--scratch");
  if (env.database.empty() && scratch_url.empty())
    throw Error(ErrorKind::kConfig,
                "verify needs a server of the backend to replay on: environment '" + env.name +
                    "' has no database",
                "set its database in trellis.toml, pass --database URL, or --scratch URL");
  return open_scratch_server(env.database, scratch_url, driver_options(ws.project().config, env));
}

VerifyCounts public_counts(const ReplayCounts& c, int bisect_replays) {
  return VerifyCounts{c.sections, c.reads, c.databases, c.forks, bisect_replays};
}

void add_orders(const std::vector<VerifyOrder>& orders, const std::vector<OrderOutcome>& outcomes,
                const Graph& graph, VerifyReport& report) {
  for (std::size_t k = 0; k < orders.size(); ++k) {
    VerifiedOrder o;
    o.name = orders[k].name;
    for (Node n : orders[k].nodes) o.ids.push_back(graph.at(n).id);
    if (outcomes[k].failure) o.failure = verify_failure(*outcomes[k].failure);
    report.orders.push_back(std::move(o));
  }
}

}  // namespace

VerifyReport verify_project(const Workspace& ws, const VerifyOptions& options) {
  if (options.orders < 1) throw Error(ErrorKind::kUsage, "--orders must be at least 1");
  const Graph& graph = ws.graph();
  VerifyReport report;
  report.all = options.all;
  report.orders_asked = options.orders;
  report.seed = options.seed ? *options.seed : drawn_seed();
  std::vector<Node> planned = planned_nodes(ws, options.all);
  report.migrations = planned.size();
  std::vector<VerifyOrder> orders = verify_orders(graph, planned, options.orders, report.seed);

  std::unique_ptr<ScratchServer> server = scratch_server(ws, options);
  report.scratch = server->display_target();
  ScratchSites sites(*server, graph);
  std::vector<std::vector<Node>> paths;
  for (const auto& o : orders) paths.push_back(o.nodes);
  OrderTrie trie(paths);
  TrieReplay replay(sites, trie, orders.size());
  unsigned jobs = options.jobs != 0 ? options.jobs : std::max(2u, std::thread::hardware_concurrency());
  if (server->one_at_a_time()) jobs = 1;  // each replay drops its database before the next is made
  TaskPool pool;
  replay.submit(pool);
  // The stairway in ranges side by side: its schema reads are most of verify's work.
  auto ranges = options.stairway ? stairway_ranges(planned.size(), jobs) : decltype(stairway_ranges(0, 1)){};
  std::vector<StairwayResult> parts(ranges.size());
  for (std::size_t k = 0; k < ranges.size(); ++k) {
    pool.submit([&, k](TaskPool&) { parts[k] = run_stairway(sites, graph, planned, ranges[k].first, ranges[k].second); });
  }
  pool.run(jobs);
  StairwayResult stairway = merge_stairways(std::move(parts));

  ReplayCounts counts = replay.counts();
  counts += stairway.counts;
  int bisect_replays = 0;
  add_orders(orders, replay.outcomes(), graph, report);
  report.order_findings = order_findings(sites, graph, orders, replay.outcomes(), counts, bisect_replays);
  report.stairway = options.stairway;
  report.stairway_checked = stairway.checked;
  for (Node n : planned) report.irreversible += stairway_applies(graph.at(n)) ? 0 : 1;
  report.stairway_findings = stairway_findings(graph, stairway);
  if (stairway.stopped) report.stairway_stopped = verify_failure(*stairway.stopped);
  report.counts = public_counts(counts, bisect_replays);
  return report;
}

}  // namespace trellis
