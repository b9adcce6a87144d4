// fleet_target.h — one target of a fleet run: its workspace, the action, the report.
#pragma once

#include <mutex>

#include "trellis/fleet.h"

namespace trellis {

// Runs `options.action` on `target`, whose environment `env` is (target_environment()).
// Never throws: whatever goes wrong is the report's result and error. `hooks.on_start`
// is called first (under `start_mutex`), `hooks.observer` makes apply's observer.
TargetReport run_target(const Workspace& base, const FleetTarget& target, Environment env,
                        const FleetOptions& options, const FleetHooks& hooks, std::mutex& start_mutex);

}  // namespace trellis
