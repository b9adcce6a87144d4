// trellis/schema_check.h — for applications: "is the schema at least at X?"
//
// Migrations run as a deploy step, never inside application start-up. An application
// that needs certain migrations checks for them at start-up, read-only, and refuses to
// serve (or degrades) when they are missing.
//
//   auto db = trellis::open_driver(url, trellis::OpenMode::kReadOnly, "trellis");
//   auto missing = trellis::missing_migrations(*db, {"billing/0003_invoice_totals"});
//   if (!missing.empty()) { /* not yet migrated */ }
#pragma once

#include <string>
#include <vector>

#include "trellis/driver.h"

namespace trellis {

// The ids in `required` that are not applied in the database behind `driver` (which may
// be opened read-only). Full ids ("billing/0003_invoice_totals") or short ones
// ("billing/0003") are accepted. Never writes and never takes the runner lock.
std::vector<std::string> missing_migrations(Driver& driver, const std::vector<std::string>& required);

}  // namespace trellis
