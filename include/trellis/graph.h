// trellis/graph.h — the migration graph: per-feature chains plus declared requires.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "trellis/diagnostic.h"
#include "trellis/migration.h"

namespace trellis {

using Node = std::size_t;

class Graph {
 public:
  // Builds the graph. `migrations` must stay alive and unchanged while the graph is used.
  // Throws Error(kGraph) listing every dangling or malformed requires and the first
  // dependency cycle, written canonically ("dependency cycle: a -> b -> a", where "x -> y"
  // means x depends on y, starting at the smallest id).
  explicit Graph(const std::vector<Migration>& migrations);

  std::size_t size() const { return migrations_->size(); }
  // Distinct for every graph built in this process (never 0), for caches keyed by graph.
  std::uint64_t serial() const { return serial_; }
  const Migration& at(Node n) const { return (*migrations_)[n]; }

  // Resolves a full id ("billing/0002_invoices") or short id ("billing/0002").
  std::optional<Node> find(std::string_view id) const;
  // The migrations of one feature in chain order; empty if there is no such feature.
  std::vector<Node> feature_nodes(std::string_view feature) const;
  std::vector<std::string> features() const;

  // Direct dependencies: the previous migration of the same feature, then requires.
  std::span<const Node> dependencies(Node n) const { return deps_.of(n); }
  std::span<const Node> dependents(Node n) const { return rdeps_.of(n); }
  // Cross-feature requires only (no chain edge).
  std::span<const Node> required(Node n) const { return deps_.of(n).subspan(chained_[n] ? 1 : 0); }

  // Transitive closures, not including the start nodes.
  std::vector<bool> ancestors(const std::vector<Node>& from) const;
  std::vector<bool> descendants(const std::vector<Node>& from) const;
  // Whether `a` depends on `b`, directly or transitively.
  bool depends_on(Node a, Node b) const;

  // The nodes where `include[n]` is true, in dependency order with deterministic ties:
  // among ready nodes the smallest (number by value, feature, id) goes first.
  std::vector<Node> topo_order(const std::vector<bool>& include) const;

 private:
  // Edge lists of all nodes in one array: node n's are targets[offsets[n] … offsets[n+1]).
  struct Adjacency {
    std::vector<std::size_t> offsets{0};
    std::vector<Node> targets;
    std::span<const Node> of(Node n) const {
      return std::span<const Node>(targets).subspan(offsets[n], offsets[n + 1] - offsets[n]);
    }
  };
  // (feature, number without leading zeros): every way of writing one migration's number.
  using ShortKey = std::pair<std::string_view, std::string_view>;
  struct ShortKeyHash {
    std::size_t operator()(const ShortKey& k) const;
  };

  std::optional<Node> find_short(std::string_view feature, std::string_view number) const;
  void link(std::vector<Diagnostic>& problems);
  void check_conflicts(const Migration& m, Node i, std::vector<Diagnostic>& problems) const;
  void check_cycles() const;
  std::vector<bool> closure(const Adjacency& edges, const std::vector<Node>& from) const;

  const std::vector<Migration>* migrations_;
  std::uint64_t serial_;
  std::unordered_map<std::string_view, Node> by_id_;  // views of the migrations' ids
  std::unordered_map<ShortKey, Node, ShortKeyHash> by_short_;  // views of features and numbers
  Adjacency deps_, rdeps_;
  std::vector<bool> chained_;      // whether deps_ starts with the previous node of the feature
  std::vector<std::size_t> rank_;  // tie-break key
};

}  // namespace trellis
