// replay_site.h — where `verify` replays migrations: a scratch database as three
// operations (run a section, read the schema, fork), so that the order trie, the bisect
// and the stairway do not depend on scratch databases (tests give them a model of one).
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <vector>

#include "engine/replay.h"
#include "trellis/graph.h"
#include "trellis/schema.h"

namespace trellis {

class ReplaySite {
 public:
  virtual ~ReplaySite() = default;
  // Runs one section of a migration (replay_section); its failure, if any.
  virtual std::optional<ReplayFailure> run(Node n, ReplayDirection direction) = 0;
  virtual SchemaModel read_model() = 0;
  // A new site holding this one's schema and rows; nullptr when it cannot be forked.
  virtual std::unique_ptr<ReplaySite> fork() = 0;
};

// Makes empty sites. create() may be called from several threads at once.
class ReplaySites {
 public:
  virtual ~ReplaySites() = default;
  virtual std::unique_ptr<ReplaySite> create() = 0;
};

// What the replays cost, for the report and the benchmark.
struct ReplayCounts {
  std::size_t sections = 0;   // up and down sections run
  std::size_t reads = 0;      // schema models read
  std::size_t databases = 0;  // scratch databases created empty
  std::size_t forks = 0;      // scratch databases forked
  ReplayCounts& operator+=(const ReplayCounts& other);
};

// Runs `order`'s up sections on `site` from `begin` to `end`, counting them in `counts`;
// the first failure, if any.
std::optional<ReplayFailure> run_ups(ReplaySite& site, const std::vector<Node>& order, std::size_t begin,
                                     std::size_t end, ReplayCounts& counts);

// What replaying an order ended in: a failure (and where), or a schema.
struct OrderOutcome {
  std::optional<ReplayFailure> failure;
  SchemaModel model;  // when no migration failed
};
// Both failed in the same section of the same migration, or both succeeded with equal
// schemas. (The database's messages may differ in details such as object numbers.)
bool same_outcome(const OrderOutcome& a, const OrderOutcome& b);

// Replays `order` from the start on a new site of `sites`: where it fails, or its schema.
OrderOutcome replay_order(ReplaySites& sites, const std::vector<Node>& order, ReplayCounts& counts);

}  // namespace trellis
