#include "import/alembic_graph.h"

#include <algorithm>
#include <map>
#include <set>

#include "import/source_files.h"

namespace trellis::imports {
namespace {

struct Resolver {
  const std::vector<AlembicRevision>& revisions;
  std::map<std::string, std::size_t> by_id, by_label;

  // A depends_on entry as Alembic reads it: a revision, a branch label, or a unique prefix
  // of a revision id. npos when it names nothing (or several).
  std::size_t dependency(const std::string& name) const {
    if (auto it = by_id.find(name); it != by_id.end()) return it->second;
    if (auto it = by_label.find(name); it != by_label.end()) return it->second;
    std::size_t found = std::string::npos;
    for (auto it = by_id.lower_bound(name); it != by_id.end() && starts_with_text(it->first, name); ++it) {
      if (found != std::string::npos) return std::string::npos;
      found = it->second;
    }
    return found;
  }
  static bool starts_with_text(const std::string& s, const std::string& prefix) {
    return s.compare(0, prefix.size(), prefix) == 0;
  }
};

// Indices into `revisions` of each revision's parents; problems for what names nothing.
std::vector<std::vector<std::size_t>> resolve(const std::vector<AlembicRevision>& revisions, const std::string& dir,
                                              std::vector<std::size_t>& downs, Problems& problems) {
  Resolver r{revisions, {}, {}};
  for (std::size_t i = 0; i < revisions.size(); ++i) {
    const AlembicRevision& rev = revisions[i];
    auto [it, fresh] = r.by_id.emplace(rev.revision, i);
    if (!fresh) {
      problems.add(path_join(dir, rev.file), rev.line,
                   "revision '" + rev.revision + "' is also declared in " + path_join(dir, revisions[it->second].file));
    }
    for (const auto& label : rev.labels) {
      auto [at, new_label] = r.by_label.emplace(label, i);
      if (!new_label) {
        problems.add(path_join(dir, rev.file), rev.labels_line,
                     "branch label '" + label + "' is also declared in " + path_join(dir, revisions[at->second].file));
      }
    }
  }
  std::vector<std::vector<std::size_t>> parents(revisions.size());
  downs.assign(revisions.size(), 0);
  for (std::size_t i = 0; i < revisions.size(); ++i) {
    const AlembicRevision& rev = revisions[i];
    std::string file = path_join(dir, rev.file);
    for (const auto& d : rev.down) {
      auto it = r.by_id.find(d);
      if (it == r.by_id.end()) {
        problems.add(file, rev.down_line, "down_revision '" + d + "' is not a revision of this project",
                     "restore that revision's file, or point down_revision at an existing revision");
      } else if (std::find(parents[i].begin(), parents[i].end(), it->second) == parents[i].end()) {
        parents[i].push_back(it->second);
      }
    }
    downs[i] = parents[i].size();
    for (const auto& d : rev.depends) {
      std::size_t p = r.dependency(d);
      if (p == std::string::npos) {
        problems.add(file, rev.depends_line, "depends_on '" + d + "' names no revision or branch label of this project");
      } else if (p != i && std::find(parents[i].begin(), parents[i].end(), p) == parents[i].end()) {
        parents[i].push_back(p);
      }
    }
  }
  return parents;
}

// Whether `ancestor` is reachable from `from` through parents (`from` itself excluded).
bool reaches(const std::vector<AlembicNode>& nodes, std::size_t from, std::size_t ancestor) {
  std::vector<std::size_t> stack(nodes[from].parents.begin(), nodes[from].parents.end());
  std::set<std::size_t> seen;
  while (!stack.empty()) {
    std::size_t n = stack.back();
    stack.pop_back();
    if (n == ancestor) return true;
    if (n < ancestor || !seen.insert(n).second) continue;  // parents come earlier: n < ancestor cannot reach it
    stack.insert(stack.end(), nodes[n].parents.begin(), nodes[n].parents.end());
  }
  return false;
}

// The render plan of node `i`: upgrade from the heads of its ancestors (its parents that no
// other parent descends from: Alembic refuses overlapping heads), downgrade to its first
// down_revision, or one step down its own branch for a root.
AlembicRenderPlan plan_of(const std::vector<AlembicNode>& nodes, std::size_t i) {
  const AlembicNode& n = nodes[i];
  AlembicRenderPlan p;
  p.revision = n.rev->revision;
  for (std::size_t a : n.parents) {
    bool below_another = false;
    for (std::size_t b : n.parents) {
      if (a != b && reaches(nodes, b, a)) below_another = true;
    }
    if (!below_another) p.start.push_back(nodes[a].rev->revision);
  }
  p.down_to = n.downs > 0 ? nodes[n.parents.front()].rev->revision : n.rev->revision + "@-1";
  return p;
}

}  // namespace

AlembicGraph order_alembic_revisions(const std::vector<AlembicRevision>& revisions, const std::string& dir,
                                     Problems& problems) {
  AlembicGraph g;
  std::vector<std::size_t> downs;
  std::vector<std::vector<std::size_t>> parents = resolve(revisions, dir, downs, problems);
  if (!problems.empty()) return g;
  // Kahn's algorithm, the ready revision with the smallest file path first.
  std::vector<int> waiting(revisions.size());
  std::vector<std::vector<std::size_t>> children(revisions.size());
  for (std::size_t i = 0; i < revisions.size(); ++i) {
    waiting[i] = static_cast<int>(parents[i].size());
    for (std::size_t p : parents[i]) children[p].push_back(i);
  }
  auto by_file = [&](std::size_t a, std::size_t b) {
    return revisions[a].file != revisions[b].file ? revisions[a].file < revisions[b].file : a < b;
  };
  std::set<std::size_t, decltype(by_file)> ready(by_file);
  for (std::size_t i = 0; i < revisions.size(); ++i) {
    if (waiting[i] == 0) ready.insert(i);
  }
  std::vector<std::size_t> position(revisions.size(), std::string::npos);
  while (!ready.empty()) {
    std::size_t i = *ready.begin();
    ready.erase(ready.begin());
    AlembicNode n;
    n.rev = &revisions[i];
    n.downs = downs[i];
    for (std::size_t p : parents[i]) n.parents.push_back(position[p]);
    position[i] = g.nodes.size();
    g.nodes.push_back(std::move(n));
    for (std::size_t c : children[i]) {
      if (--waiting[c] == 0) ready.insert(c);
    }
  }
  for (std::size_t i = 0; i < revisions.size(); ++i) {
    if (position[i] == std::string::npos) {
      problems.add(path_join(dir, revisions[i].file), revisions[i].line,
                   "revision '" + revisions[i].revision + "' is on a cycle of down_revision / depends_on");
    }
  }
  if (!problems.empty()) return g;
  for (std::size_t i = 0; i < g.nodes.size(); ++i) g.plan.push_back(plan_of(g.nodes, i));
  return g;
}

}  // namespace trellis::imports
