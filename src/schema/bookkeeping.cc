// bookkeeping.cc — other migration tools' history tables (bookkeeping.h).
#include "schema/bookkeeping.h"

#include <array>

namespace trellis {

bool is_foreign_bookkeeping_schema(std::string_view schema) {
  return schema == "sqitch" || schema == "atlas_schema_revisions";
}

bool is_foreign_bookkeeping(std::string_view schema, std::string_view table) {
  static constexpr std::array<std::string_view, 10> kTables = {
      "schema_migrations", "goose_db_version", "flyway_schema_history", "__diesel_schema_migrations",
      "alembic_version", "_sqlx_migrations", "knex_migrations", "knex_migrations_lock",
      "django_migrations", "atlas_schema_revisions"};
  if (is_foreign_bookkeeping_schema(schema)) return true;
  for (std::string_view t : kTables)
    if (table == t) return true;
  return false;
}

}  // namespace trellis
