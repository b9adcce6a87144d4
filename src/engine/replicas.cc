// replicas.cc — `apply --wait-replicas`: poll pg_stat_replication (through the Catalog
// seam) until each replica's replay reaches the primary's position after the run.
#include "trellis/replicas.h"

#include <chrono>
#include <thread>

#include "trellis/driver.h"

namespace trellis {

std::vector<std::string> ReplicaWaitReport::lagging() const {
  std::vector<std::string> out;
  for (const auto& r : replicas) {
    if (!r.bytes_behind || *r.bytes_behind > 0) out.push_back(r.name);
  }
  return out;
}

ReplicaWaitReport wait_for_replicas(Driver& primary, Millis timeout, Millis interval) {
  ReplicaWaitReport report;
  report.position = primary.catalog().wal_position();
  if (report.position.empty()) {
    report.supported = false;
    report.caught_up = true;
    return report;
  }
  auto started = std::chrono::steady_clock::now();
  for (;;) {
    report.replicas = primary.catalog().replicas(report.position);
    report.waited = std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now() - started);
    report.caught_up = report.lagging().empty();
    if (report.caught_up || report.waited + interval > timeout) return report;
    std::this_thread::sleep_for(interval);
  }
}

}  // namespace trellis
