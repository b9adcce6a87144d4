// replica_locks.cc — pending migrations whose ACCESS EXCLUSIVE locks replay on replicas
// (trellis/replica_locks.h), from the statement model of src/analysis/.
#include "trellis/replica_locks.h"

#include <algorithm>
#include <set>

#include "trellis/analysis.h"
#include "trellis/driver.h"
#include "trellis/error.h"
#include "util/text.h"

namespace trellis {

std::vector<std::string> streaming_replicas(Driver& primary) {
  std::vector<std::string> names;
  try {
    std::string position = primary.catalog().wal_position();
    if (position.empty()) return names;
    for (const ReplicaPosition& r : primary.catalog().replicas(position)) names.push_back(r.name);
  } catch (const Error&) {
    // A standby or a role that cannot read them: nothing to warn about from here.
  }
  return names;
}

namespace {

// Tables an ACCESS EXCLUSIVE lock of `a` holds, in statement order, each once.
std::vector<std::string> exclusive_tables(const MigrationAnalysis& a) {
  std::vector<std::string> tables;
  for (const StatementInfo& s : a.statements) {
    for (const TableLock& l : s.locks) {
      if (l.level != LockLevel::kAccessExclusive || l.table.empty()) continue;
      if (std::find(tables.begin(), tables.end(), l.table) == tables.end()) tables.push_back(l.table);
    }
  }
  return tables;
}

std::string replica_words(const std::vector<std::string>& replicas) {
  std::string names = join(std::vector<std::string>(replicas.begin(), replicas.begin() + std::min<std::size_t>(3, replicas.size())), ", ");
  if (replicas.size() > 3) names += ", …";
  return std::to_string(replicas.size()) + " streaming replica" + (replicas.size() == 1 ? "" : "s") + " (" + names + ")";
}

}  // namespace

std::vector<Finding> replica_lock_findings(const Graph& graph, const std::vector<Node>& pending,
                                           const std::vector<std::string>& replicas) {
  std::vector<Finding> out;
  if (replicas.empty()) return out;
  std::vector<MigrationAnalysis> analyses;
  std::set<std::string> created;  // tables the pending migrations create: no replica reads them yet
  for (Node n : pending) {
    analyses.push_back(analyse_migration(graph.at(n)));
    for (const StatementInfo& s : analyses.back().statements) {
      for (const ObjectUse& o : s.objects) {
        if (o.kind == ObjectKind::kTable && o.access == Access::kCreate) created.insert(o.name);
      }
    }
  }
  for (std::size_t i = 0; i < pending.size(); ++i) {
    std::vector<std::string> tables;
    for (const std::string& t : exclusive_tables(analyses[i])) {
      if (created.count(t) == 0) tables.push_back(t);
    }
    if (tables.empty()) continue;
    const Migration& m = graph.at(pending[i]);
    out.push_back(make_finding(
        "replica-lock", Severity::kWarning, m.id, m.path, 0,
        m.id + " takes ACCESS EXCLUSIVE on " + join(tables, ", ") + ", which replays on " + replica_words(replicas) +
            ": there the replay waits for queries reading " + (tables.size() == 1 ? "it" : "them") +
            " up to max_standby_streaming_delay (the replica's setting, 30s by default), then cancels them, and "
            "the replica lags meanwhile; run it when long replica queries are not expected (docs/scale.md)"));
  }
  return out;
}

}  // namespace trellis
