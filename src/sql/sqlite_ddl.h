// sqlite_ddl.h — what SQLite keeps only in the text of a CREATE TABLE.
//
// SQLite's catalog is the statement text it stores in sqlite_schema (normalized by SQLite:
// leading spaces, TEMP and IF NOT EXISTS removed). Its pragma functions give columns,
// keys, foreign keys and indexes, but not CHECK constraints, a column's collation or a
// generated column's expression; those are read here from the stored text, by SQLite's
// lexical rules (quoted identifiers in "", [], ``; strings in ''; -- and /* */ comments).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace trellis {

struct SqliteTableText {
  struct Check {
    std::string name;        // CONSTRAINT name, or "" (column-level checks: "")
    std::string column;      // a column-level CHECK's column, else ""
    std::string expression;  // normalized text of the parenthesized expression
  };
  std::vector<Check> checks;
  std::map<std::string, std::string> collations;  // column → COLLATE name
  std::map<std::string, std::string> generated;   // column → "(expr) STORED" / "(expr) VIRTUAL"
};

// Reads a stored CREATE TABLE statement. Text it cannot follow yields what was found.
SqliteTableText read_sqlite_table_text(std::string_view create_table);

// The statement's tokens joined by single spaces (none around an opening parenthesis, before a
// closing one or before commas), comments dropped: the same object created with other whitespace or comments
// gives the same text.
std::string normalize_sqlite_sql(std::string_view sql);

}  // namespace trellis
