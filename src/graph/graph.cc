#include "trellis/graph.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <limits>
#include <queue>

#include "project/ids.h"
#include "trellis/error.h"
#include "util/text.h"

namespace trellis {
namespace {

std::uint64_t next_serial() {
  static std::atomic<std::uint64_t> last{0};
  return ++last;
}

std::string_view without_leading_zeros(std::string_view number) {
  auto i = number.find_first_not_of('0');
  return i == std::string_view::npos ? std::string_view{} : number.substr(i);
}

constexpr std::uint64_t kTooLong = std::numeric_limits<std::uint64_t>::max();

// A number without leading zeros as an integer; kTooLong past 19 digits.
std::uint64_t as_integer(std::string_view digits) {
  if (digits.size() > 19) return kTooLong;
  std::uint64_t v = 0;
  for (char c : digits) v = v * 10 + static_cast<std::uint64_t>(c - '0');
  return v;
}

}  // namespace

std::size_t Graph::ShortKeyHash::operator()(const ShortKey& k) const {
  std::hash<std::string_view> h;
  return h(k.first) * 31 + h(k.second);
}

Graph::Graph(const std::vector<Migration>& migrations) : migrations_(&migrations), serial_(next_serial()) {
  std::size_t n = migrations.size();
  by_id_.reserve(n);
  by_short_.reserve(n);
  // The numbers without leading zeros: by value, a shorter one is smaller, and equal
  // lengths compare as text.
  std::vector<std::string_view> value(n);
  for (Node i = 0; i < n; ++i) {
    value[i] = without_leading_zeros(migrations[i].number);
    by_id_.emplace(migrations[i].id, i);
    by_short_.emplace(ShortKey{migrations[i].feature, value[i]}, i);
  }
  // Rank by number value, then id. Values of up to 19 digits are compared as integers;
  // longer ones (all greater) as text of equal length.
  std::vector<std::uint64_t> integer(n);
  for (Node i = 0; i < n; ++i) integer[i] = as_integer(value[i]);
  std::vector<Node> order(n);
  for (Node i = 0; i < n; ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](Node a, Node b) {
    if (integer[a] != integer[b]) return integer[a] < integer[b];
    if (integer[a] == kTooLong) {
      if (value[a].size() != value[b].size()) return value[a].size() < value[b].size();
      if (int c = value[a].compare(value[b]); c != 0) return c < 0;
    }
    return migrations[a].id < migrations[b].id;
  });
  rank_.resize(n);
  for (std::size_t r = 0; r < n; ++r) rank_[order[r]] = r;
  std::vector<Diagnostic> problems;
  link(problems);
  if (!problems.empty()) throw Error(ErrorKind::kGraph, std::move(problems));
  check_cycles();
}

std::optional<Node> Graph::find_short(std::string_view feature, std::string_view number) const {
  auto it = by_short_.find(ShortKey{feature, without_leading_zeros(number)});
  if (it == by_short_.end()) return std::nullopt;
  return it->second;
}

std::optional<Node> Graph::find(std::string_view id) const {
  if (auto it = by_id_.find(id); it != by_id_.end()) return it->second;
  auto ref = parse_id(id);
  if (!ref || !ref->slug.empty()) return std::nullopt;
  return find_short(ref->feature, ref->number);
}

void Graph::link(std::vector<Diagnostic>& problems) {
  const auto& ms = *migrations_;
  std::size_t n = ms.size();
  chained_.assign(n, false);
  deps_.offsets.reserve(n + 1);
  deps_.targets.reserve(n);
  for (Node i = 0; i < n; ++i) {
    const Migration& m = ms[i];
    std::size_t first = deps_.targets.size();
    if (i > 0 && ms[i - 1].feature == m.feature) {
      deps_.targets.push_back(i - 1);
      chained_[i] = true;
    }
    for (const auto& req : m.requirements) {
      auto problem = [&](const std::string& what) {
        problems.push_back(error_at("requires", m.path, req.line, "requires '" + req.id + "'" + what));
        problems.back().id = m.id;
      };
      auto ref = parse_id(req.id);
      auto target = ref ? find_short(ref->feature, ref->number) : std::nullopt;
      if (!target) {
        problem(", which does not exist");
        continue;
      }
      Node t = *target;
      if (!ref->slug.empty() && ref->slug != ms[t].slug) {
        problem(", but that migration is '" + ms[t].id + "'");
        continue;
      }
      if (t == i) {
        problem(", which is itself");
        continue;
      }
      if (ms[t].feature == m.feature) {
        if (compare_numbers(ms[t].number, m.number) > 0) problem(", a later migration of its own feature");
        continue;  // an earlier one of the same feature is implied by the chain
      }
      auto mine = deps_.targets.begin() + static_cast<std::ptrdiff_t>(first);
      if (std::find(mine, deps_.targets.end(), t) == deps_.targets.end()) deps_.targets.push_back(t);
    }
    deps_.offsets.push_back(deps_.targets.size());
    check_conflicts(m, i, problems);
  }
  // The reverse edges, grouped by target, each group in node order.
  rdeps_.offsets.assign(n + 1, 0);
  for (Node d : deps_.targets) ++rdeps_.offsets[d + 1];
  for (Node i = 0; i < n; ++i) rdeps_.offsets[i + 1] += rdeps_.offsets[i];
  rdeps_.targets.resize(deps_.targets.size());
  std::vector<std::size_t> fill(rdeps_.offsets.begin(), rdeps_.offsets.end() - 1);
  for (Node i = 0; i < n; ++i) {
    for (Node d : deps_.of(i)) rdeps_.targets[fill[d]++] = i;
  }
}

// `-- conflicts:` names a migration that exists and is not this one (it orders nothing).
void Graph::check_conflicts(const Migration& m, Node i, std::vector<Diagnostic>& problems) const {
  for (const auto& c : m.conflicts) {
    auto ref = parse_id(c.id);
    auto target = ref ? find_short(ref->feature, ref->number) : std::nullopt;
    std::string what = !target                                                    ? ", which does not exist"
                       : !ref->slug.empty() && ref->slug != (*migrations_)[*target].slug ? ", but that migration is '" + (*migrations_)[*target].id + "'"
                       : *target == i                                             ? ", which is itself"
                                                                                  : "";
    if (what.empty()) continue;
    problems.push_back(error_at("conflicts", m.path, c.line, "conflicts with '" + c.id + "'" + what));
    problems.back().id = m.id;
  }
}

void Graph::check_cycles() const {
  std::size_t n = size();
  std::vector<int> color(n, 0);  // 0 new, 1 on stack, 2 done
  std::vector<Node> stack;
  std::vector<Node> cycle;
  // Iterative DFS following dependency edges, from nodes in (feature, number) order, so the
  // same files always give the same cycle.
  std::vector<std::pair<Node, std::size_t>> work;
  for (Node root = 0; root < n; ++root) {
    if (color[root] != 0 || !cycle.empty()) continue;
    work.assign(1, {root, 0});
    color[root] = 1;
    stack.push_back(root);
    while (!work.empty() && cycle.empty()) {
      auto& [node, next] = work.back();
      std::span<const Node> deps = deps_.of(node);
      if (next == deps.size()) {
        color[node] = 2;
        stack.pop_back();
        work.pop_back();
        continue;
      }
      Node d = deps[next++];
      if (color[d] == 1) {
        auto it = std::find(stack.begin(), stack.end(), d);
        cycle.assign(it, stack.end());
      } else if (color[d] == 0) {
        color[d] = 1;
        stack.push_back(d);
        work.push_back({d, 0});
      }
    }
  }
  if (cycle.empty()) return;
  auto smallest = std::min_element(cycle.begin(), cycle.end(),
                                   [&](Node a, Node b) { return at(a).id < at(b).id; });
  std::rotate(cycle.begin(), smallest, cycle.end());
  std::string text = "dependency cycle: ";
  for (Node c : cycle) text += at(c).id + " -> ";
  text += at(cycle.front()).id;
  // Say where each declared edge of the cycle is written, so it can be fixed.
  std::vector<std::string> where;
  for (std::size_t i = 0; i < cycle.size(); ++i) {
    const Migration& from = at(cycle[i]);
    const Migration& to = at(cycle[(i + 1) % cycle.size()]);
    for (const auto& req : from.requirements) {
      auto ref = parse_id(req.id);
      if (ref && ref->feature == to.feature && compare_numbers(ref->number, to.number) == 0) {
        where.push_back(from.path + ":" + std::to_string(req.line) + ": requires " + req.id);
      }
    }
  }
  throw Error(ErrorKind::kGraph, text,
              "remove one of these requires (a migration may only require migrations it can run after): " +
                  join(where, "; "));
}

std::vector<Node> Graph::feature_nodes(std::string_view feature) const {
  std::vector<Node> out;
  for (Node i = 0; i < size(); ++i) {
    if (at(i).feature == feature) out.push_back(i);
  }
  return out;
}

std::vector<std::string> Graph::features() const {
  std::vector<std::string> out;
  for (Node i = 0; i < size(); ++i) {
    if (out.empty() || out.back() != at(i).feature) out.push_back(at(i).feature);
  }
  return out;
}

std::vector<bool> Graph::closure(const Adjacency& edges, const std::vector<Node>& from) const {
  std::vector<bool> seen(size(), false);
  std::vector<Node> work(from.begin(), from.end());
  while (!work.empty()) {
    Node n = work.back();
    work.pop_back();
    for (Node e : edges.of(n)) {
      if (!seen[e]) {
        seen[e] = true;
        work.push_back(e);
      }
    }
  }
  return seen;
}

std::vector<bool> Graph::ancestors(const std::vector<Node>& from) const { return closure(deps_, from); }
std::vector<bool> Graph::descendants(const std::vector<Node>& from) const { return closure(rdeps_, from); }
bool Graph::depends_on(Node a, Node b) const { return ancestors({a})[b]; }

std::vector<Node> Graph::topo_order(const std::vector<bool>& include) const {
  std::size_t n = size();
  std::vector<std::size_t> waiting(n, 0);
  auto later = [&](Node a, Node b) { return rank_[a] > rank_[b]; };
  std::priority_queue<Node, std::vector<Node>, decltype(later)> ready(later);
  for (Node i = 0; i < n; ++i) {
    if (!include[i]) continue;
    for (Node d : deps_.of(i)) waiting[i] += include[d] ? 1 : 0;
    if (waiting[i] == 0) ready.push(i);
  }
  std::vector<Node> out;
  while (!ready.empty()) {
    Node i = ready.top();
    ready.pop();
    out.push_back(i);
    for (Node r : rdeps_.of(i)) {
      if (include[r] && --waiting[r] == 0) ready.push(r);
    }
  }
  return out;
}

}  // namespace trellis
