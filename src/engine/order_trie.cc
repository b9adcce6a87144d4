#include "engine/order_trie.h"

#include <algorithm>

namespace trellis {

OrderTrie::OrderTrie(const std::vector<std::vector<Node>>& orders) {
  vertices_.emplace_back();
  for (std::size_t k = 0; k < orders.size(); ++k) {
    std::size_t at = 0;
    vertices_[at].orders.push_back(k);
    for (Node n : orders[k]) {
      std::size_t next = vertices_.size();
      for (std::size_t c : vertices_[at].children) {
        if (vertices_[c].migration == n) next = c;
      }
      if (next == vertices_.size()) {
        Vertex v;
        v.migration = n;
        v.parent = at;
        v.depth = vertices_[at].depth + 1;
        vertices_.push_back(std::move(v));
        vertices_[at].children.push_back(next);
      }
      at = next;
      vertices_[at].orders.push_back(k);
    }
  }
}

std::vector<Node> OrderTrie::path_to(std::size_t v) const {
  std::vector<Node> path;
  for (; v != 0; v = vertices_[v].parent) path.push_back(vertices_[v].migration);
  std::reverse(path.begin(), path.end());
  return path;
}

TrieReplay::TrieReplay(ReplaySites& sites, const OrderTrie& trie, std::size_t orders)
    : sites_(sites), trie_(trie), outcomes_(orders) {}

void TrieReplay::submit(TaskPool& pool) {
  const OrderTrie::Vertex& root = trie_.vertices()[0];
  if (root.children.empty()) {  // orders of no migration: the empty schema
    pool.submit([this](TaskPool&) {
      ReplayCounts counts;
      auto site = sites_.create();
      ++counts.databases;
      OrderOutcome outcome;
      outcome.model = site->read_model();
      ++counts.reads;
      finish(0, outcome, counts);
    });
    return;
  }
  for (std::size_t child : root.children)
    pool.submit([this, child](TaskPool& p) { start_fresh(p, child); });
}

void TrieReplay::start_fresh(TaskPool& pool, std::size_t v) {
  ReplayCounts counts;
  std::shared_ptr<ReplaySite> site = sites_.create();
  ++counts.databases;
  std::vector<Node> prefix = trie_.path_to(trie_.vertices()[v].parent);
  if (auto failure = run_ups(*site, prefix, 0, prefix.size(), counts)) {
    // It ran before, in the branch this one forks from: the database is not deterministic.
    finish(v, OrderOutcome{failure, {}}, counts);
    return;
  }
  add(counts);
  walk(pool, std::move(site), v);
}

void TrieReplay::branch_off(TaskPool& pool, ReplaySite& site, std::size_t v, ReplayCounts& counts) {
  const auto& children = trie_.vertices()[v].children;
  for (std::size_t i = 1; i < children.size(); ++i) {
    std::size_t child = children[i];
    std::shared_ptr<ReplaySite> fork = site.fork();
    if (fork == nullptr) {
      pool.submit([this, child](TaskPool& p) { start_fresh(p, child); });
      continue;
    }
    ++counts.forks;
    pool.submit([this, fork, child](TaskPool& p) { walk(p, fork, child); });
  }
}

void TrieReplay::walk(TaskPool& pool, std::shared_ptr<ReplaySite> site, std::size_t v) {
  ReplayCounts counts;
  for (;;) {
    const OrderTrie::Vertex& x = trie_.vertices()[v];
    ++counts.sections;
    if (auto failure = site->run(x.migration, ReplayDirection::kUp)) {
      finish(v, OrderOutcome{std::move(failure), {}}, counts);
      return;
    }
    if (x.children.empty()) {
      OrderOutcome outcome;
      outcome.model = site->read_model();
      ++counts.reads;
      finish(v, outcome, counts);
      return;
    }
    branch_off(pool, *site, v, counts);
    v = x.children[0];
  }
}

void TrieReplay::add(const ReplayCounts& counts) {
  std::lock_guard<std::mutex> lock(mutex_);
  counts_ += counts;
}

void TrieReplay::finish(std::size_t v, const OrderOutcome& outcome, const ReplayCounts& counts) {
  std::lock_guard<std::mutex> lock(mutex_);
  counts_ += counts;
  for (std::size_t k : trie_.vertices()[v].orders) outcomes_[k] = outcome;
}

}  // namespace trellis
