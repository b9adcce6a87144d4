// pg_traits.h — what the runner must know of a PostgreSQL statement before running it:
// whether it controls transactions (COMMIT AND CHAIN …) and whether it cannot run inside a
// transaction block (CREATE INDEX CONCURRENTLY, VACUUM, …). Read from libpg_query's parse
// tree; a cheap look at the first keyword only decides whether parsing is needed.
#pragma once

#include "trellis/statement.h"

namespace trellis::pg {

// `server_version` as PQserverVersion (150004); ALTER TYPE … ADD VALUE runs in a
// transaction only from 12 on.
StatementTraits statement_traits(const std::string& sql, int server_version);

}  // namespace trellis::pg
