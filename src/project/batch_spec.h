// batch_spec.h — the `-- batch:` directive of backfill migrations.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "trellis/migration.h"

namespace trellis {

// "table=events key=id size=10000 pause=20ms" or "until-empty size=5000 [pause=…]".
// On failure returns nullopt and sets `problem`.
std::optional<BatchSpec> parse_batch_spec(std::string_view text, std::string& problem);

}  // namespace trellis
