// pg_schema_test.cc — the PostgreSQL schema reader (Catalog::read_schema) tested for truth
// against pg_dump on a corpus of schemas (pg_schema_corpus.h): two databases have equal
// models exactly when their normalized dumps are equal, and each single change makes the
// models differ in exactly the object it changed.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <sstream>

#include "db/drivers.h"
#include "db/postgres_driver.h"
#include "harness.h"
#include "pg_schema_corpus.h"
#include "trellis/error.h"
#include "trellis/schema.h"

namespace trellis {
namespace {

using trellis_test::PgServer;

SchemaModel read_model(const std::string& url) {
  return make_postgres_driver(url, OpenMode::kReadOnly, "trellis")->catalog().read_schema();
}

std::string new_database(PgServer& server, const std::string& script) {
  std::string url = server.create_database();
  server.query(url, script);
  return url;
}

std::string pg_dump_program(PgServer& server) {
  std::string dir = server.bindir();
  if (!dir.empty() && access((dir + "/pg_dump").c_str(), X_OK) == 0) return dir + "/pg_dump";
  return trellis_test::find_program("pg_dump");
}

// `pg_dump --schema-only --no-owner --no-privileges` with what does not describe the
// schema taken out, then its lines sorted:
// - comment lines ("-- Name: …; Type: …", the versions of server and pg_dump) and blank
//   lines: layout;
// - SET lines and the set_config() of search_path: the session pg_dump restores in;
// - \restrict and \unrestrict lines: psql meta-commands with a random key, new in each dump;
// - a trailing comma: CREATE TABLE lists columns in their position, the last without a
//   comma; the model has no column positions, and sorted lines with the comma kept would
//   still tell the last column from the others.
// Sorting loses the order of lines that is meaningful (enum labels, composite
// attributes): the corpus has no pair that differs only in such an order.
std::vector<std::string> normalized_dump(PgServer& server, const std::string& url) {
  trellis_test::RunOptions options;
  options.program = pg_dump_program(server);
  options.args = {"--schema-only", "--no-owner", "--no-privileges", "--exclude-schema=trellis", "--dbname", url};
  trellis_test::RunResult r = trellis_test::run_process(options);
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  std::vector<std::string> lines;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line.rfind("--", 0) == 0 || line.rfind("SET ", 0) == 0 ||
        line.rfind("SELECT pg_catalog.set_config('search_path'", 0) == 0 || line.rfind("\\restrict ", 0) == 0 ||
        line.rfind("\\unrestrict ", 0) == 0)
      continue;
    if (line.back() == ',') line.pop_back();
    lines.push_back(line);
  }
  std::sort(lines.begin(), lines.end());
  return lines;
}

const SchemaObject& object(const SchemaModel& model, SchemaKind kind, const std::string& name) {
  const SchemaObject* o = model.find(kind, name);
  if (o == nullptr) throw std::runtime_error(std::string(schema_kind_name(kind)) + " " + name + " not in the model");
  return *o;
}

std::string prop(const SchemaModel& model, SchemaKind kind, const std::string& name, const std::string& property) {
  const std::string* value = object(model, kind, name).property(property);
  return value == nullptr ? "(none)" : *value;
}

TEST(PgSchema, ReadsEveryKind) {
  TRELLIS_REQUIRE_PG_OR_SKIP(server);
  SchemaModel m = read_model(new_database(*server, trellis_test::base_schema()));
  EXPECT_EQ(m.backend, "postgres");
  using K = SchemaKind;
  EXPECT_EQ(prop(m, K::kExtension, "citext", "schema"), "public");
  EXPECT_EQ(prop(m, K::kSchema, "billing", "comment"), "money");
  EXPECT_EQ(prop(m, K::kType, "mood", "enum"), "'sad', 'ok', 'happy'");
  EXPECT_EQ(prop(m, K::kType, "billing.money_pair", "composite"), "amount numeric(12,2), currency text COLLATE \"C\"");
  EXPECT_EQ(prop(m, K::kType, "floatrange", "range"), "double precision");
  EXPECT_EQ(prop(m, K::kDomain, "posint", "type"), "integer");
  EXPECT_EQ(prop(m, K::kDomain, "posint", "nullable"), "no");
  EXPECT_EQ(prop(m, K::kDomain, "posint", "default"), "1");
  EXPECT_EQ(prop(m, K::kDomain, "posint", "constraints"), "posint_positive CHECK ((VALUE > 0))");
  EXPECT_EQ(prop(m, K::kSequence, "billing.invoice_no", "owned_by"), "billing.invoices.no");
  EXPECT_EQ(prop(m, K::kSequence, "free_counter", "parameters"),
            "bigint, start 1, increment 1, min 1, max 1000, cache 1, cycle");
  EXPECT_EQ(prop(m, K::kColumn, "users.email", "collation"), "\"C\"");
  EXPECT_EQ(prop(m, K::kColumn, "users.email", "comment"), "login");
  EXPECT_EQ(prop(m, K::kColumn, "users.name", "default"), "'anon'::text");
  EXPECT_EQ(prop(m, K::kColumn, "users.created_at", "default"), "'2020-01-01 00:00:00+00'::timestamp with time zone");
  EXPECT_EQ(prop(m, K::kColumn, "users.email_lower", "generated"), "lower(email)");
  EXPECT_EQ(prop(m, K::kColumn, "users.id", "identity"),
            "always (users_id_seq: bigint, start 1, increment 1, min 1, max 9223372036854775807, cache 1, no cycle)");
  EXPECT_EQ(object(m, K::kColumn, "users.id").parent, "users");
  EXPECT_EQ(prop(m, K::kColumn, "billing.invoices.id", "default"), "nextval('billing.invoices_id_seq'::regclass)");
  EXPECT_EQ(prop(m, K::kTable, "users", "row_security"), "on");
  EXPECT_EQ(prop(m, K::kTable, "cache", "persistence"), "unlogged");
  EXPECT_EQ(prop(m, K::kTable, "cache", "options"), "fillfactor=70");
  EXPECT_EQ(prop(m, K::kTable, "events", "partition_key"), "RANGE (at)");
  EXPECT_EQ(prop(m, K::kTable, "events_2024", "partition_of"), "events");
  EXPECT_EQ(prop(m, K::kTable, "events_2024", "partition_bound"), "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')");
  EXPECT_EQ(prop(m, K::kConstraint, "users.users_name_len", "validated"), "no");
  EXPECT_EQ(prop(m, K::kConstraint, "users.users_name_len", "definition"), "CHECK ((length(name) < 100)) NOT VALID");
  EXPECT_EQ(prop(m, K::kConstraint, "users.users_email_key", "comment"), "one account per address");
  EXPECT_EQ(prop(m, K::kConstraint, "billing.invoices.invoices_user_id_fkey", "definition"),
            "FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED");
  EXPECT_EQ(prop(m, K::kConstraint, "billing.invoices.invoices_no_overlap", "type"), "exclusion");
  EXPECT_EQ(prop(m, K::kConstraint, "users.users_pkey", "type"), "primary key");
  EXPECT_EQ(prop(m, K::kIndex, "billing.ix_invoices_user", "definition"),
            "CREATE INDEX ix_invoices_user ON billing.invoices USING btree (user_id) INCLUDE (amount) WHERE (amount > "
            "(0)::numeric)");
  EXPECT_EQ(object(m, K::kIndex, "billing.ix_invoices_user").parent, "billing.invoices");
  EXPECT_EQ(prop(m, K::kIndex, "ix_user_counts", "valid"), "yes");
  EXPECT_NE(m.find(K::kIndex, "ix_events_at"), nullptr);
  // A constraint's index is the constraint's, and an identity's sequence the column's.
  EXPECT_EQ(m.find(K::kIndex, "users_pkey"), nullptr);
  EXPECT_EQ(m.find(K::kIndex, "billing.invoices_no_overlap"), nullptr);
  EXPECT_EQ(m.find(K::kSequence, "users_id_seq"), nullptr);
  EXPECT_NE(prop(m, K::kView, "active_users", "definition").find("mood <> 'sad'::mood"), std::string::npos);
  EXPECT_EQ(prop(m, K::kView, "active_users", "comment"), "the cheerful");
  EXPECT_NE(prop(m, K::kMaterializedView, "user_counts", "definition").find("count(*)"), std::string::npos);
  EXPECT_NE(prop(m, K::kFunction, "add(integer, integer)", "definition").find("SELECT a + b"), std::string::npos);
  EXPECT_EQ(prop(m, K::kFunction, "add(integer, integer)", "comment"), "sums");
  EXPECT_NE(prop(m, K::kFunction, "my_sum(integer)", "definition").find("sfunc int4pl"), std::string::npos);
  EXPECT_NE(prop(m, K::kProcedure, "billing.close_period(date)", "definition").find("PROCEDURE"), std::string::npos);
  EXPECT_EQ(prop(m, K::kTrigger, "users.users_touch", "definition"),
            "CREATE TRIGGER users_touch BEFORE INSERT OR UPDATE OF name ON public.users FOR EACH ROW EXECUTE "
            "FUNCTION touch()");
  EXPECT_EQ(prop(m, K::kPolicy, "users.users_self", "using"), "(name = CURRENT_USER)");
  EXPECT_EQ(prop(m, K::kPolicy, "users.users_self", "roles"), "public");
  EXPECT_EQ(prop(m, K::kPolicy, "users.users_self", "command"), "select");
  // citext's own functions and types belong to the extension.
  for (const auto& o : m.objects)
    if (o.kind != K::kExtension) {
      EXPECT_EQ(o.name.find("citext"), std::string::npos) << o.name;
    }
}

TEST(PgSchema, ModelsAreEqualExactlyWhenSortedDumpsAre) {
  TRELLIS_REQUIRE_PG_OR_SKIP(server);
  std::vector<std::string> labels{"base", "base again", "base built in another order"};
  std::vector<std::string> scripts{trellis_test::base_schema(), trellis_test::base_schema(),
                                   trellis_test::base_schema_reordered()};
  for (const auto& c : trellis_test::single_changes()) {
    if (!c.in_dump) continue;
    labels.push_back(c.what);
    scripts.push_back(trellis_test::base_schema() + ";\n" + c.sql + ";\n");
  }
  std::vector<SchemaModel> models;
  std::vector<std::vector<std::string>> dumps;
  for (const auto& script : scripts) {
    std::string url = new_database(*server, script);
    models.push_back(read_model(url));
    dumps.push_back(normalized_dump(*server, url));
  }
  EXPECT_EQ(models[0], models[2]);  // the corpus holds equal pairs, not only different ones
  int equal_pairs = 0;
  for (std::size_t i = 0; i < scripts.size(); ++i) {
    for (std::size_t j = i + 1; j < scripts.size(); ++j) {
      bool same_model = models[i] == models[j];
      equal_pairs += same_model;
      EXPECT_EQ(same_model, dumps[i] == dumps[j]) << labels[i] << " vs " << labels[j];
    }
  }
  EXPECT_EQ(equal_pairs, 3);
}

TEST(PgSchema, EachSingleChangeDiffersInExactlyThatObject) {
  TRELLIS_REQUIRE_PG_OR_SKIP(server);
  SchemaModel base = read_model(new_database(*server, trellis_test::base_schema()));
  for (const auto& c : trellis_test::single_changes()) {
    SchemaModel changed = read_model(new_database(*server, trellis_test::base_schema() + ";\n" + c.sql + ";\n"));
    auto diff = diff_schemas(base, changed);
    ASSERT_EQ(diff.size(), 1u) << c.what << ":\n"
                               << [&] {
                                    std::string all;
                                    for (const auto& d : diff) all += describe_difference(d) + "\n";
                                    return all;
                                  }();
    EXPECT_EQ(std::string(schema_kind_name(diff[0].kind)) + " " + diff[0].name, std::string(c.kind) + " " + c.name)
        << c.what;
    EXPECT_EQ(diff[0].type, SchemaDifference::Type::kDiffers) << c.what;
  }
}

TEST(PgSchema, LeavesOutStateBookkeepingExtensionMembersAndGrants) {
  TRELLIS_REQUIRE_PG_OR_SKIP(server);
  SchemaModel base = read_model(new_database(*server, trellis_test::base_schema()));
  std::string url = new_database(*server, trellis_test::base_schema() + R"sql(;
    CREATE TABLE schema_migrations (version bigint PRIMARY KEY, dirty boolean NOT NULL);
    CREATE TABLE goose_db_version (id serial PRIMARY KEY, version_id bigint NOT NULL);
    CREATE INDEX ix_goose ON goose_db_version (version_id);
    CREATE SCHEMA sqitch; CREATE TABLE sqitch.changes (change_id text PRIMARY KEY);
    CREATE EXTENSION pg_trgm;
    DO $$ BEGIN CREATE ROLE trellis_schema_reader_test; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
    GRANT SELECT ON users TO trellis_schema_reader_test;
    ALTER TABLE cache OWNER TO trellis_schema_reader_test;
  )sql");
  make_postgres_driver(url, OpenMode::kReadWrite, "trellis")->state().ensure();
  SchemaModel m = read_model(url);
  server->query(url, "DROP OWNED BY trellis_schema_reader_test; DROP ROLE trellis_schema_reader_test");
  auto diff = diff_schemas(base, m);
  ASSERT_EQ(diff.size(), 1u) << describe_difference(diff[0]);
  EXPECT_EQ(diff[0].name, "pg_trgm");  // the extension, not its functions, types and operators
}

TEST(PgSchema, ReadsTheSameWhateverTheSessionSettings) {
  TRELLIS_REQUIRE_PG_OR_SKIP(server);
  std::string url = new_database(*server, trellis_test::base_schema());
  SchemaModel before = read_model(url);
  std::string dbname = server->query(url, "SELECT current_database()").at(0);
  server->query(url, "ALTER DATABASE \"" + dbname +
                         "\" SET search_path = billing, public; ALTER DATABASE \"" + dbname +
                         "\" SET DateStyle = 'SQL, DMY'; ALTER DATABASE \"" + dbname +
                         "\" SET TimeZone = 'Asia/Tokyo'");
  EXPECT_EQ(read_model(url), before);
}

TEST(PgSchema, ReadsInsideATransactionAndLeavesItsSettings) {
  TRELLIS_REQUIRE_PG_OR_SKIP(server);
  std::string url = new_database(*server, trellis_test::base_schema());
  SchemaModel outside = read_model(url);
  auto driver = make_postgres_driver(url, OpenMode::kReadWrite, "trellis");
  driver->connection().begin({});
  driver->connection().execute(Statement{"SET LOCAL search_path = billing", 1, 1, {}});
  driver->connection().execute(Statement{"CREATE TABLE billing.fresh (id integer)", 1, 1, {}});
  SchemaModel inside = driver->catalog().read_schema();
  EXPECT_EQ(driver->connection().query_scalar("SHOW search_path"), "billing");
  driver->connection().rollback();
  EXPECT_NE(inside.find(SchemaKind::kTable, "billing.fresh"), nullptr);
  inside.remove_matching("*:billing.fresh*");
  EXPECT_EQ(inside, outside);
}

TEST(PgSchema, AForeignTableIsAnErrorNamingIt) {
  TRELLIS_REQUIRE_PG_OR_SKIP(server);
  std::string url = new_database(*server,
                                 "CREATE EXTENSION file_fdw; CREATE SERVER files FOREIGN DATA WRAPPER "
                                 "file_fdw; CREATE FOREIGN TABLE billing_feed (a integer) SERVER files "
                                 "OPTIONS (filename '/dev/null')");
  try {
    read_model(url);
    FAIL() << "a foreign table was read";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kState);
    EXPECT_NE(std::string(e.what()).find("table billing_feed: "), std::string::npos) << e.what();
  }
}

// The read is a fixed number of queries, whatever the number of objects.
TEST(PgSchema, FiveHundredTablesInAHandfulOfQueries) {
  TRELLIS_REQUIRE_PG_OR_SKIP(server);
  std::string script;
  for (int i = 0; i < 500; ++i) {
    std::string t = "t" + std::to_string(i);
    script += "CREATE TABLE " + t +
              " (id bigint PRIMARY KEY, name text NOT NULL DEFAULT '', ref bigint, at "
              "timestamptz); CREATE INDEX ix_" +
              t + " ON " + t + " (ref); COMMENT ON TABLE " + t + " IS 'n';\n";
  }
  std::string url = new_database(*server, script);
  auto driver = make_postgres_driver(url, OpenMode::kReadOnly, "trellis");
  std::int64_t before = postgres_round_trips(*driver);
  auto start = std::chrono::steady_clock::now();
  SchemaModel m = driver->catalog().read_schema();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  std::int64_t trips = postgres_round_trips(*driver) - before;
  std::cout << "read_schema of 500 tables (" << m.objects.size() << " objects): " << ms << " ms, " << trips
            << " round trips\n";
  // plpgsql, schema public; each table, its 4 columns, its primary key, its index
  EXPECT_EQ(m.objects.size(), 2u + 500 * (1 + 4 + 1 + 1));
  EXPECT_LE(trips, 16);
}

}  // namespace
}  // namespace trellis
