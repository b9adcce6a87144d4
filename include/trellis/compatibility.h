// trellis/compatibility.h — whether application code built for the schema before a
// migration keeps working after it (expand/contract deploy order, `plan --explain`).
#pragma once

#include <string>

#include "trellis/migration.h"

namespace trellis {

enum class OldCodeCompat {
  kKeepsWorking,     // expand, backfill: run before deploying the new code
  kAfterRetirement   // contract: run only once code built for the old schema is retired
};

struct CompatVerdict {
  OldCodeCompat compat;
  std::string summary;  // "yes" / "only once old code is retired"
  std::string why;      // one sentence
};

CompatVerdict old_code_compatibility(const Migration& m);

}  // namespace trellis
