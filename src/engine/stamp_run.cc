// The stamp and accept use cases: decided on a read-only connection first (a refused run
// creates nothing), then again under the runner lock, then recorded.
#include "trellis/stamp.h"

namespace trellis {

StampReport stamp_migrations(const Workspace& ws, const std::vector<std::string>& ids, bool all, bool dry_run) {
  auto driver = ws.connect(OpenMode::kReadOnly);
  StampReport report;
  report.nodes = plan_stamp(ws, StateIndex(driver->state().load_rows()), ids, all);
  if (!dry_run) {
    driver = ws.connect_to_write(ws.env().settings.runner_lock_wait);
    report.nodes = plan_stamp(ws, StateIndex(driver->state().load_rows()), ids, all);
    run_stamp(*driver, ws, report.nodes);
  }
  report.target = driver->display_target();
  return report;
}

AcceptReport accept_edited(const Workspace& ws, const std::vector<std::string>& ids, bool all) {
  auto driver = ws.connect(OpenMode::kReadOnly);
  plan_accept(ws, StateIndex(driver->state().load_rows()), ids, all);
  driver = ws.connect_to_write(ws.env().settings.runner_lock_wait);
  StateIndex state(driver->state().load_rows());
  AcceptReport report;
  report.nodes = plan_accept(ws, state, ids, all);
  for (Node n : report.nodes) report.recorded_checksums.push_back(state.find(ws.graph().at(n).id)->checksum);
  run_accept(*driver, ws, state, report.nodes);
  return report;
}

}  // namespace trellis
