// pg_parse.h — libpg_query behind a small interface: one SQL section in, one parse tree
// per statement out, with byte offsets that map back to file lines. The only place
// (with pg_parse.cc) that includes pg_query.h.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "sql/json_tree.h"

namespace trellis::sql {

struct ParsedStatement {
  const Json* node = nullptr;  // {"AlterTableStmt": {...}}; null when !ok; valid only
                               // during the callback that receives the statement
  int offset = 0;        // byte offset of the first token in the section
  int length = 0;        // bytes up to (not including) the terminating ';'
  int base = 0;          // add to a node's "location" to get an offset in the section
  bool ok = true;
  std::string error;     // libpg_query's message when !ok
};

// Splits and parses `sql` and hands each statement, in order, to `each`. A statement that
// does not parse comes with ok == false (the others still parse). Never throws for bad SQL.
void parse_statements(const std::string& sql, const std::function<void(const ParsedStatement&)>& each);

// Maps byte offsets of a section to 1-based file line and column.
class LineMap {
 public:
  LineMap(const std::string& sql, int first_line);
  int line(int offset) const;
  int col(int offset) const;

 private:
  std::vector<int> starts_;  // offset of each line start
  int first_line_;
};

}  // namespace trellis::sql
