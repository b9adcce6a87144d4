// trellis/replicas.h — waiting until every streaming replica has replayed what was
// committed (`apply --wait-replicas`), so a deploy step that starts the new application
// after the migration job never reads a replica that has the old schema.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "trellis/dialect.h"
#include "trellis/duration.h"

namespace trellis {

class Driver;

struct ReplicaWaitReport {
  std::string position;                 // the primary's WAL position waited for
  std::vector<ReplicaPosition> replicas;  // as last read
  Millis waited{0};
  bool caught_up = false;  // every replica has replayed up to `position` (true when there are none)
  bool supported = true;   // false: the database has no replication (SQLite)
  // Names of replicas still behind (or not reporting a position) when it gave up.
  std::vector<std::string> lagging() const;
};

// Reads the primary's WAL position once, then polls its replicas every `interval` until
// each has replayed up to it or `timeout` has passed. Throws Error(kConfig) for a standby.
ReplicaWaitReport wait_for_replicas(Driver& primary, Millis timeout, Millis interval = Millis{200});

}  // namespace trellis
