// sqlite_traits.h — transaction control and "outside a transaction" for SQLite statements.
//
// SQLite has no parser API; its statements are told apart by their first keyword, which
// is what SQLite's own grammar does for these (BEGIN, COMMIT/END, ROLLBACK without TO,
// VACUUM, ATTACH, DETACH, PRAGMA start no other statement). PRAGMA runs outside a
// transaction because foreign_keys and journal_mode have no effect, or fail, inside one.
#pragma once

#include <string>

#include "trellis/statement.h"

namespace trellis {

StatementTraits sqlite_traits(const std::string& sql);

}  // namespace trellis
