// alembic_graph.h — Alembic's revision graph made an import order: every down_revision and
// depends_on resolved (as Alembic resolves them: a depends_on may be a partial revision id
// or a branch label), checked (an unknown parent, a revision or label declared twice, a
// cycle: each at its file:line), ordered topologically (ties by file path), and what to
// render of each revision: its upgrade from the heads before it, its downgrade to its first
// parent.
#pragma once

#include <string>
#include <vector>

#include "import/alembic_helper.h"
#include "import/source.h"

namespace trellis::imports {

struct AlembicNode {
  const AlembicRevision* rev = nullptr;
  std::vector<std::size_t> parents;  // earlier nodes: its down_revisions first, then depends_on
  std::size_t downs = 0;             // how many of `parents` are down_revisions
};

struct AlembicGraph {
  std::vector<AlembicNode> nodes;       // in import order
  std::vector<AlembicRenderPlan> plan;  // parallel to nodes
};

// `revisions` must outlive the graph. Problems name files under `dir`.
AlembicGraph order_alembic_revisions(const std::vector<AlembicRevision>& revisions, const std::string& dir,
                                     Problems& problems);

}  // namespace trellis::imports
