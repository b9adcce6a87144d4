// pg_named_params.h — the `:lo`, `:hi`, `:size` parameters of backfill bodies on
// PostgreSQL, found with PostgreSQL's own scanner (libpg_query), so that a ':' inside a
// string, a comment, a dollar-quoted body or a `::` cast is never taken for one.
//
// For the PostgreSQL driver: split() parses mask_named_params(text) and cuts the
// statements out of the original text (same offsets); execute_with() sends
// to_positional(statement) with PQexecParams. For lint: analyse the masked text.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace trellis::pg {

struct NamedParam {
  std::size_t offset = 0;  // of the ':'
  std::size_t length = 0;  // ':' and the name
  std::string name;        // without the ':'
};

// A ':' token directly followed (no space) by a word token. Empty if the text cannot be
// scanned (the parser will report it).
std::vector<NamedParam> find_named_params(std::string_view sql);

// `sql` with each :name replaced by "$1" padded with spaces to the same length: the parser
// accepts it, and every byte offset still points at the same place in `sql`.
std::string mask_named_params(std::string_view sql);

// `sql` with $1, $2, … in place of the named parameters, one number per distinct name in
// order of first use; names[k-1] is the name of $k.
struct PositionalSql {
  std::string sql;
  std::vector<std::string> names;
};
PositionalSql to_positional(std::string_view sql);

// Identifiers (plain or double-quoted) longer than `max_bytes` as written, which the
// scanner truncates without an error (PostgreSQL keeps NAMEDATALEN - 1 = 63 bytes).
struct LongIdentifier {
  std::size_t offset = 0;  // of its first byte in `sql`
  std::string name;        // as PostgreSQL reads it: unquoted, "" unescaped
};
std::vector<LongIdentifier> find_long_identifiers(std::string_view sql, std::size_t max_bytes);

}  // namespace trellis::pg
