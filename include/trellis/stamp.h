// trellis/stamp.h — record migrations as applied without running them, and accept the
// new checksum of an edited applied migration.
#pragma once

#include <string>
#include <vector>

#include "trellis/plan.h"
#include "trellis/workspace.h"

namespace trellis {

// The migrations `stamp` would record for `ids` ("--all" when `all`): each named
// unapplied migration and its unapplied dependencies, in dependency order. Throws
// Error(kUsage) for unknown ids.
std::vector<Node> plan_stamp(const Workspace& ws, const StateIndex& state,
                             const std::vector<std::string>& ids, bool all);
void run_stamp(Driver& driver, const Workspace& ws, const std::vector<Node>& nodes);

// Edited applied migrations among `ids` (all of them when `all`), whose recorded checksum
// differs from the file. Throws Error(kUsage) for unknown or unapplied ids, and
// Error(kPlan) when a named one is not edited.
std::vector<Node> plan_accept(const Workspace& ws, const StateIndex& state,
                              const std::vector<std::string>& ids, bool all);
void run_accept(Driver& driver, const Workspace& ws, const StateIndex& state,
                const std::vector<Node>& nodes);

// ---- the use cases (stamp_run.cc) -------------------------------------------------------
// Decided read-only first (a refused run creates nothing), then under the runner lock.

struct StampReport {
  std::vector<Node> nodes;  // recorded (with dry_run: would be)
  std::string target;       // Driver::display_target()
};
StampReport stamp_migrations(const Workspace& ws, const std::vector<std::string>& ids, bool all, bool dry_run);

struct AcceptReport {
  std::vector<Node> nodes;                     // accepted
  std::vector<std::string> recorded_checksums; // each one's checksum before, in order
};
AcceptReport accept_edited(const Workspace& ws, const std::vector<std::string>& ids, bool all);

}  // namespace trellis
