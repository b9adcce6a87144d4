// pg_outside.h — statements that run outside a transaction on PostgreSQL, judged before
// they run: did an interrupted earlier run of this statement take effect, and what did a
// failed one leave behind?
//
// - CREATE INDEX CONCURRENTLY: an index of that name (or, unnamed, of that definition) on
//   the table that is valid and has the statement's definition is done; an INVALID one no
//   live session is building is dropped and the statement runs again; one being built by
//   another session, or a valid one with another definition, cannot be judged.
//   Definitions are compared by PostgreSQL itself: the statement's index is built on an
//   empty temporary copy of the table's columns, in a transaction that is rolled back,
//   and both are read back with pg_get_indexdef.
// - DROP INDEX CONCURRENTLY: done when none of its indexes exists any more.
// - REINDEX … CONCURRENTLY: leftovers (_ccnew/_ccold) dropped; runs again.
// - DETACH PARTITION … CONCURRENTLY: done when detached; a pending detach is finalized.
// - VACUUM, CLUSTER: run again (repeating them is harmless).
// - anything else (CREATE DATABASE, ALTER SYSTEM, …): cannot be judged once it may have run.
#pragma once

#include <string>

#include "db/pg_connection.h"
#include "trellis/driver.h"

namespace trellis::pg {

OutsideVerdict judge_outside(Connection& connection, const std::string& sql, bool may_have_run);

}  // namespace trellis::pg
