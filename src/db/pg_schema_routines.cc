// pg_schema_routines.cc — functions, procedures and aggregates of the PostgreSQL schema
// reader (pg_schema.h).
#include "db/pg_schema.h"

namespace trellis::pg {

// Named "name(argument types)" (the input types, as the header names functions);
// pg_get_functiondef gives the rest: argument names and defaults, result, language,
// volatility, strictness, security, SET options, cost, body. An aggregate has no such
// text: its definition lists pg_aggregate's functions, state type and initial value.
// The constructors PostgreSQL makes for a range type (deptype 'i') are the type's.
void read_routines(PgSchemaReader& r) {
  std::string aggregate =
      "(SELECT 'AGGREGATE ' || concat_ws(', ', 'sfunc ' || ag.aggtransfn::regproc::text, "
      "'stype ' || format_type(ag.aggtranstype, NULL), 'finalfunc ' || NULLIF(ag.aggfinalfn, 0)::regproc::text, "
      "'combinefunc ' || NULLIF(ag.aggcombinefn, 0)::regproc::text, "
      "'serialfunc ' || NULLIF(ag.aggserialfn, 0)::regproc::text, "
      "'deserialfunc ' || NULLIF(ag.aggdeserialfn, 0)::regproc::text, "
      "'msfunc ' || NULLIF(ag.aggmtransfn, 0)::regproc::text, "
      "'minvfunc ' || NULLIF(ag.aggminvtransfn, 0)::regproc::text, "
      "'mfinalfunc ' || NULLIF(ag.aggmfinalfn, 0)::regproc::text, "
      "'initcond ' || quote_literal(ag.agginitval), 'minitcond ' || quote_literal(ag.aggminitval), "
      "'sortop ' || NULLIF(ag.aggsortop, 0)::regoperator::text, 'kind ' || ag.aggkind::text, "
      "'parallel ' || p.proparallel::text, CASE WHEN p.proisstrict THEN 'strict' END) "
      "FROM pg_aggregate ag WHERE ag.aggfnoid = p.oid)";
  std::string sql =
      "SELECT n.nspname, p.proname, oidvectortypes(p.proargtypes), p.prokind, "
      "CASE WHEN p.prokind = 'a' THEN " +
      aggregate +
      " ELSE pg_get_functiondef(p.oid) END, " + PgSchemaReader::comment_sql("p.oid", "pg_proc") +
      " "
      "FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE " +
      r.schema_filter("n") + " AND " + PgSchemaReader::not_extension_member("pg_proc", "p.oid") +
      " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass "
      "AND d.objid = p.oid AND d.deptype = 'i')";
  for (const auto& row : r.rows(sql)) {
    SchemaKind kind = row[3] == "p" ? SchemaKind::kProcedure : SchemaKind::kFunction;
    std::string name = PgSchemaReader::qualify(row[0], row[1]) + "(" + row[2] + ")";
    if (row.null(4)) PgSchemaReader::cannot_read(kind, name, "PostgreSQL returned no definition");
    SchemaObject& o = r.add(kind, name);
    o.set("definition", row[4]);
    PgSchemaReader::set_comment(o, row, 5);
  }
}

}  // namespace trellis::pg
