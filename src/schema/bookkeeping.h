// bookkeeping.h — the tables other migration tools keep their history in. They are not
// part of a schema model: Trellis' own tables never are (each reader leaves out its
// backend's), and another tool's bookkeeping is not drift either (a project that came
// from golang-migrate keeps its schema_migrations table).
#pragma once

#include <string_view>

namespace trellis {

// Whether table `table` of schema `schema` ("" or the default schema for unqualified) is
// another migration tool's bookkeeping: golang-migrate, dbmate and Rails
// (schema_migrations), goose (goose_db_version), Flyway (flyway_schema_history), Diesel
// (__diesel_schema_migrations), Alembic (alembic_version), sqlx (_sqlx_migrations), knex
// (knex_migrations, knex_migrations_lock), Django (django_migrations), Atlas
// (atlas_schema_revisions), Sqitch (every table of the schema "sqitch").
bool is_foreign_bookkeeping(std::string_view schema, std::string_view table);
// Whether a whole schema is another tool's registry (Sqitch's "sqitch", Atlas's
// "atlas_schema_revisions").
bool is_foreign_bookkeeping_schema(std::string_view schema);

}  // namespace trellis
