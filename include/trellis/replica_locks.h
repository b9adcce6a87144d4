// trellis/replica_locks.h — which pending migrations would stall streaming replicas: an
// ACCESS EXCLUSIVE lock is the one table lock a hot standby replays, so there it waits
// for every query reading the table, up to the replica's max_standby_streaming_delay
// (30 s by default), then cancels them; replay, and every later change, waits meanwhile.
// `plan` and `status` warn with these (README "Replicas", docs/scale.md).
#pragma once

#include <string>
#include <vector>

#include "trellis/graph.h"
#include "trellis/integrity.h"

namespace trellis {

class Driver;

// The streaming replicas the primary reports (their names); none for a standby, for a
// database without replication (SQLite) or when they cannot be read.
std::vector<std::string> streaming_replicas(Driver& primary);

// One warning ("replica-lock") per migration of `pending` that takes ACCESS EXCLUSIVE on
// a table none of `pending` creates; none when `replicas` is empty.
std::vector<Finding> replica_lock_findings(const Graph& graph, const std::vector<Node>& pending,
                                           const std::vector<std::string>& replicas);

}  // namespace trellis
