// pg_binary.h — values of a result fetched in binary format (Connection::exec_binary).
//
// The state table is read in binary: it spares the server formatting 5,000 timestamps
// with to_char (about 2 ms of its time) and the client parsing numbers, and it does not
// depend on the session's DateStyle or TimeZone. Each reader checks the value's length
// and throws Error(kState) naming the column when it is not the expected type.
#pragma once

#include <cstdint>
#include <string>

#include "db/pg_connection.h"

namespace trellis::pg {

// text, varchar: the bytes; "" for NULL.
std::string binary_text(const Result& result, int row, int column);
// int2, int4, int8; 0 for NULL.
std::int64_t binary_integer(const Result& result, int row, int column);
// timestamptz as "2026-11-20T22:10:54.123Z" (UTC, milliseconds truncated, as to_char's MS
// gives); "" for NULL; "infinity" / "-infinity".
std::string binary_timestamp(const Result& result, int row, int column);

// Microseconds since 2000-01-01 00:00:00 UTC (PostgreSQL's binary timestamp) in the form
// above. Exposed for tests.
std::string format_pg_timestamp(std::int64_t micros_since_2000);

}  // namespace trellis::pg
