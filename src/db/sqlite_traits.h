// sqlite_traits.h — transaction control and "outside a transaction" for SQLite statements.
//
// SQLite has no parser API; its statements are told apart by their first keyword, which
// is what SQLite's own grammar does for these (BEGIN, COMMIT/END, ROLLBACK without TO,
// VACUUM, ATTACH, DETACH start no other statement).
#pragma once

#include <string>

#include "trellis/driver.h"

namespace trellis {

StatementTraits sqlite_traits(const std::string& sql);

}  // namespace trellis
