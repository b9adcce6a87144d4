// order_trie.h — replaying several orders of the same migrations without replaying their
// common prefixes more than once: the orders as a trie, each branch point forked
// (ReplaySite::fork), every branch on its own thread of a TaskPool. Where a site cannot
// fork, the branch starts on an empty site and replays the prefix.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include "engine/order_bisect.h"
#include "engine/replay_site.h"
#include "util/task_pool.h"

namespace trellis {

class OrderTrie {
 public:
  struct Vertex {
    Node migration = 0;              // the migration run on the way here (not at the root)
    std::size_t parent = 0;
    std::size_t depth = 0;           // migrations from the root
    std::vector<std::size_t> children;
    std::vector<std::size_t> orders; // the orders whose path runs through here
  };

  explicit OrderTrie(const std::vector<std::vector<Node>>& orders);

  const std::vector<Vertex>& vertices() const { return vertices_; }  // [0] is the root
  // Migrations a replay of every order runs when each branch point forks: the trie's edges.
  std::size_t edges() const { return vertices_.size() - 1; }
  // The migrations from the root to `v`, in order.
  std::vector<Node> path_to(std::size_t v) const;

 private:
  std::vector<Vertex> vertices_;
};

// Replays every order of a trie on sites of `sites` and keeps each order's outcome.
class TrieReplay {
 public:
  TrieReplay(ReplaySites& sites, const OrderTrie& trie, std::size_t orders);

  // Queues the replay on `pool`; the outcomes are there once pool.run() returned.
  void submit(TaskPool& pool);
  const std::vector<OrderOutcome>& outcomes() const { return outcomes_; }
  const ReplayCounts& counts() const { return counts_; }

 private:
  // `site` holds the state of v's parent: runs v's migration, then goes on down the trie.
  void walk(TaskPool& pool, std::shared_ptr<ReplaySite> site, std::size_t v);
  // An empty site for `v` (no fork was possible): replays the path to v's parent first.
  void start_fresh(TaskPool& pool, std::size_t v);
  void branch_off(TaskPool& pool, ReplaySite& site, std::size_t v, ReplayCounts& counts);
  // Every order through `v` ends in `outcome`.
  void finish(std::size_t v, const OrderOutcome& outcome, const ReplayCounts& counts);
  void add(const ReplayCounts& counts);

  ReplaySites& sites_;
  const OrderTrie& trie_;
  std::mutex mutex_;  // guards outcomes_ and counts_
  std::vector<OrderOutcome> outcomes_;
  ReplayCounts counts_;
};

}  // namespace trellis
