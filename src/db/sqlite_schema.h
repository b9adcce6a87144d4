// sqlite_schema.h — the SQLite Catalog's schema model (trellis/schema.h), from
// sqlite_schema and the pragma table functions (table_list, table_xinfo,
// foreign_key_list, index_list, index_xinfo); CHECKs, collations and generated
// expressions, which only the stored CREATE TABLE text holds, through sql/sqlite_ddl.h.
#pragma once

#include "trellis/connection.h"
#include "trellis/schema.h"

namespace trellis {

// Every object of the main database but SQLite's own (sqlite_*), trellis' tables and
// other tools' bookkeeping (schema/bookkeeping.h).
SchemaModel read_sqlite_schema(Connection& connection);

}  // namespace trellis
