// fleet_target.h — one target of a fleet run: its workspace, the action, the report.
#pragma once

#include "trellis/fleet.h"

namespace trellis {

// Runs `options.action` on `target`, whose environment `env` is (target_environment()).
// Never throws: whatever goes wrong is the report's result and error.
TargetReport run_target(const Workspace& base, const FleetTarget& target, Environment env,
                        const FleetOptions& options);

}  // namespace trellis
