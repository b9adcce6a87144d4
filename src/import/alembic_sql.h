// alembic_sql.h — one section of SQL as Alembic's offline mode rendered it, without
// Alembic's own bookkeeping: statements on its version table (CREATE TABLE, INSERT, UPDATE,
// DELETE, DROP TABLE alembic_version) and its transaction control (BEGIN, COMMIT), found by
// PostgreSQL's parser. Comments and every other statement are kept byte for byte.
#pragma once

#include <string>

#include "import/source.h"

namespace trellis::imports {

struct VersionTable {
  std::string name = "alembic_version";
  std::string schema;  // "" when env.py sets no version_table_schema
};

// Fills `section` (its lines all told at `line` of `file`, the revision's def) from
// `rendered`. The section is transactional when every statement kept ran inside one of
// Alembic's BEGIN … COMMIT (autocommit_block() or transactional_ddl = False leave some
// outside: then it runs outside a transaction). False with `why` when PostgreSQL's parser
// does not read `rendered`.
bool alembic_section(const std::string& rendered, const VersionTable& table, const std::string& file, int line,
                     SourceSection& section, std::string& why);

}  // namespace trellis::imports
