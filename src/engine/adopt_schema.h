// adopt_schema.h — before `adopt` records anything: the migrations the database would then
// have applied (those adopted and those Trellis recorded already) are replayed on a
// scratch database (trellis/scratch.h, engine/replay.h) or taken from the expected-schema
// cache, and the schema they make is compared with the live one after `[drift] ignore`
// (other tools' bookkeeping tables are never part of a model: schema/bookkeeping.h).
#pragma once

#include <string>
#include <vector>

#include "trellis/adopt.h"
#include "trellis/driver.h"
#include "trellis/plan.h"
#include "trellis/workspace.h"

namespace trellis {

// Fills `report`'s schema_* fields. Throws Error(kPlan), nothing recorded, with every
// difference and the ways forward when the schemas differ, or when a migration does not
// replay on an empty database; Error(kConnection) when no scratch database can be had.
// `history_table` (the other tool's, as read: "name" or "schema.name") is left out of the
// live schema too, besides the tools' default tables.
void check_adopted_schema(const Workspace& ws, Driver& live, const std::vector<Node>& applied_after,
                          const AdoptOptions& options, AdoptReport& report, const std::string& history_table = "");

}  // namespace trellis
