// pg_schema_corpus.h — the schemas the PostgreSQL schema reader is tested on: one base
// schema with every kind of object the model covers, the same schema built in another
// order, and single changes to it, each naming the one object it changes.
#pragma once

#include <string>
#include <vector>

namespace trellis_test {

// Every kind: an extension (citext, whose own types and functions are not listed), a
// schema, enum, composite and range types, a domain, sequences (owned and free),
// tables (identity, collation, defaults, a generated column, UNLOGGED with options,
// partitioned with a partition, row-level security), constraints of every type (one NOT
// VALID, one deferrable FK), indexes (INCLUDE and predicate, on a partitioned table, on
// a materialized view), a view, a materialized view, functions, a procedure, an
// aggregate, a trigger, a policy, comments on each kind that takes one.
inline const char* kBaseTypes = R"sql(
CREATE EXTENSION citext;
CREATE SCHEMA billing;
COMMENT ON SCHEMA billing IS 'money';
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
COMMENT ON TYPE mood IS 'how they feel';
CREATE TYPE billing.money_pair AS (amount numeric(12,2), currency text COLLATE "C");
CREATE TYPE floatrange AS RANGE (subtype = float8, subtype_diff = float8mi);
CREATE DOMAIN posint AS integer DEFAULT 1 NOT NULL CONSTRAINT posint_positive CHECK (VALUE > 0);
CREATE SEQUENCE billing.invoice_no START 1000 INCREMENT 5;
CREATE SEQUENCE free_counter MAXVALUE 1000 CYCLE;
)sql";

inline const char* kBaseUsers = R"sql(
CREATE TABLE users (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email text COLLATE "C" NOT NULL,
  handle citext UNIQUE,
  name text DEFAULT 'anon',
  mood mood,
  score posint,
  created_at timestamptz NOT NULL DEFAULT '2020-01-01 00:00:00+00',
  email_lower text GENERATED ALWAYS AS (lower(email)) STORED
);
ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);
ALTER TABLE users ADD CONSTRAINT users_name_len CHECK (length(name) < 100) NOT VALID;
COMMENT ON TABLE users IS 'people';
COMMENT ON COLUMN users.email IS 'login';
COMMENT ON CONSTRAINT users_email_key ON users IS 'one account per address';
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.name := coalesce(NEW.name, 'x');
  RETURN NEW;
END
$$;
CREATE TRIGGER users_touch BEFORE INSERT OR UPDATE OF name ON users FOR EACH ROW EXECUTE FUNCTION touch();
COMMENT ON TRIGGER users_touch ON users IS 'fills the name';
ALTER TABLE users ENABLE ROW LEVEL SECURITY;
CREATE POLICY users_self ON users FOR SELECT TO PUBLIC USING (name = current_user);
COMMENT ON POLICY users_self ON users IS 'see yourself';
)sql";

inline const char* kBaseBilling = R"sql(
CREATE TABLE billing.invoices (
  id serial PRIMARY KEY,
  no integer NOT NULL DEFAULT nextval('billing.invoice_no'),
  user_id bigint REFERENCES users (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  amount numeric(12,2) CHECK (amount >= 0),
  period tsrange,
  CONSTRAINT invoices_no_overlap EXCLUDE USING gist (period WITH &&)
);
ALTER SEQUENCE billing.invoice_no OWNED BY billing.invoices.no;
CREATE INDEX ix_invoices_user ON billing.invoices (user_id) INCLUDE (amount) WHERE amount > 0;
CREATE UNLOGGED TABLE cache (k text PRIMARY KEY, v jsonb) WITH (fillfactor = 70);
CREATE TABLE events (id bigint NOT NULL, at date NOT NULL, payload text) PARTITION BY RANGE (at);
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE INDEX ix_events_at ON events (at);
CREATE VIEW active_users AS SELECT id, email FROM users WHERE mood <> 'sad';
COMMENT ON VIEW active_users IS 'the cheerful';
CREATE MATERIALIZED VIEW user_counts AS SELECT mood, count(*) AS n FROM users GROUP BY mood WITH NO DATA;
CREATE INDEX ix_user_counts ON user_counts (mood);
CREATE FUNCTION add(a integer, b integer DEFAULT 1) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT a + b';
COMMENT ON FUNCTION add(integer, integer) IS 'sums';
CREATE PROCEDURE billing.close_period(p date) LANGUAGE sql AS $$ UPDATE billing.invoices SET amount = 0 WHERE false $$;
CREATE AGGREGATE my_sum(integer) (sfunc = int4pl, stype = integer, initcond = '0');
)sql";

inline std::string base_schema() { return std::string(kBaseTypes) + kBaseUsers + kBaseBilling; }

// The same schema made another way: the users table's columns added in another order by
// ALTER TABLE, the objects created in another order (other OIDs, other attnums).
inline std::string base_schema_reordered() {
  std::string users = R"sql(
CREATE TABLE users (created_at timestamptz NOT NULL DEFAULT '2020-01-01 00:00:00+00');
ALTER TABLE users ADD COLUMN score posint, ADD COLUMN mood mood, ADD COLUMN name text DEFAULT 'anon';
ALTER TABLE users ADD COLUMN handle citext UNIQUE;
ALTER TABLE users ADD COLUMN email text COLLATE "C" NOT NULL;
ALTER TABLE users ADD COLUMN email_lower text GENERATED ALWAYS AS (lower(email)) STORED;
ALTER TABLE users ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY;
ALTER TABLE users ADD CONSTRAINT users_name_len CHECK (length(name) < 100) NOT VALID;
ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);
COMMENT ON CONSTRAINT users_email_key ON users IS 'one account per address';
COMMENT ON COLUMN users.email IS 'login';
COMMENT ON TABLE users IS 'people';
ALTER TABLE users ENABLE ROW LEVEL SECURITY;
CREATE POLICY users_self ON users FOR SELECT TO PUBLIC USING (name = current_user);
COMMENT ON POLICY users_self ON users IS 'see yourself';
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.name := coalesce(NEW.name, 'x');
  RETURN NEW;
END
$$;
CREATE TRIGGER users_touch BEFORE INSERT OR UPDATE OF name ON users FOR EACH ROW EXECUTE FUNCTION touch();
COMMENT ON TRIGGER users_touch ON users IS 'fills the name';
)sql";
  return std::string(kBaseTypes) + users + kBaseBilling;
}

// One change to the base schema, and the one object it changes.
struct SingleChange {
  const char* what;  // for messages
  const char* sql;   // run after the base schema
  const char* kind;  // the changed object, as schema_kind_name() writes it
  const char* name;
  bool in_dump = true;  // whether pg_dump shows it (an index's validity it does not)
};

inline const std::vector<SingleChange>& single_changes() {
  static const std::vector<SingleChange> changes = {
      {"a column default", "ALTER TABLE users ALTER COLUMN name SET DEFAULT 'nobody'", "column", "users.name"},
      {"an index predicate",
       "DROP INDEX billing.ix_invoices_user; CREATE INDEX ix_invoices_user ON billing.invoices (user_id) "
       "INCLUDE (amount) WHERE amount > 10",
       "index", "billing.ix_invoices_user"},
      {"a function body",
       "CREATE OR REPLACE FUNCTION add(a integer, b integer DEFAULT 1) RETURNS integer LANGUAGE sql IMMUTABLE "
       "AS 'SELECT a + b + 0'",
       "function", "add(integer, integer)"},
      {"a policy", "ALTER POLICY users_self ON users USING (true)", "policy", "users.users_self"},
      {"a comment", "COMMENT ON COLUMN users.email IS 'sign-in'", "column", "users.email"},
      {"a NOT VALID constraint validated", "ALTER TABLE users VALIDATE CONSTRAINT users_name_len", "constraint",
       "users.users_name_len"},
      {"an enum label", "ALTER TYPE mood ADD VALUE 'angry'", "type", "mood"},
      {"a trigger's timing",
       "DROP TRIGGER users_touch ON users; CREATE TRIGGER users_touch AFTER INSERT OR UPDATE OF name ON users "
       "FOR EACH ROW EXECUTE FUNCTION touch(); COMMENT ON TRIGGER users_touch ON users IS 'fills the name'",
       "trigger", "users.users_touch"},
      {"a column type", "ALTER TABLE cache ALTER COLUMN v TYPE json", "column", "cache.v"},
      {"a column's nullability", "ALTER TABLE cache ALTER COLUMN v SET NOT NULL", "column", "cache.v"},
      {"a column's collation", "ALTER TABLE cache ALTER COLUMN k TYPE text COLLATE \"POSIX\"", "column", "cache.k"},
      {"an identity", "ALTER TABLE users ALTER COLUMN id SET GENERATED BY DEFAULT", "column", "users.id"},
      {"a generated column made plain", "ALTER TABLE users ALTER COLUMN email_lower DROP EXPRESSION", "column",
       "users.email_lower"},
      {"a foreign key's action",
       "ALTER TABLE billing.invoices DROP CONSTRAINT invoices_user_id_fkey, ADD CONSTRAINT invoices_user_id_fkey "
       "FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED",
       "constraint", "billing.invoices.invoices_user_id_fkey"},
      {"a foreign key's deferrability",
       "ALTER TABLE billing.invoices ALTER CONSTRAINT invoices_user_id_fkey NOT DEFERRABLE", "constraint",
       "billing.invoices.invoices_user_id_fkey"},
      {"UNLOGGED to LOGGED", "ALTER TABLE cache SET LOGGED", "table", "cache"},
      {"a table's storage option", "ALTER TABLE cache SET (fillfactor = 80)", "table", "cache"},
      {"a replica identity", "ALTER TABLE cache REPLICA IDENTITY FULL", "table", "cache"},
      {"a range type's options", "DROP TYPE floatrange; CREATE TYPE floatrange AS RANGE (subtype = float8)", "type",
       "floatrange"},
      {"forced row-level security", "ALTER TABLE users FORCE ROW LEVEL SECURITY", "table", "users"},
      {"a partition bound",
       "ALTER TABLE events DETACH PARTITION events_2024; ALTER TABLE events ATTACH PARTITION events_2024 "
       "FOR VALUES FROM ('2024-01-01') TO ('2024-07-01')",
       "table", "events_2024"},
      {"a view's definition", "CREATE OR REPLACE VIEW active_users AS SELECT id, email FROM users WHERE mood <> 'ok'",
       "view", "active_users"},
      {"a materialized view's definition",
       "DROP MATERIALIZED VIEW user_counts; CREATE MATERIALIZED VIEW user_counts AS SELECT mood, count(*) + 0 AS n "
       "FROM users GROUP BY mood WITH NO DATA; CREATE INDEX ix_user_counts ON user_counts (mood)",
       "materialized view", "user_counts"},
      {"a sequence's increment", "ALTER SEQUENCE billing.invoice_no INCREMENT 10", "sequence", "billing.invoice_no"},
      {"a domain constraint", "ALTER DOMAIN posint ADD CONSTRAINT posint_small CHECK (VALUE < 1000000)", "domain",
       "posint"},
      {"a composite type's attribute", "ALTER TYPE billing.money_pair ADD ATTRIBUTE note text", "type",
       "billing.money_pair"},
      {"a procedure body",
       "CREATE OR REPLACE PROCEDURE billing.close_period(p date) LANGUAGE sql AS $$ UPDATE billing.invoices "
       "SET amount = 1 WHERE false $$",
       "procedure", "billing.close_period(date)"},
      {"a disabled trigger", "ALTER TABLE users DISABLE TRIGGER users_touch", "trigger", "users.users_touch"},
      {"an index comment", "COMMENT ON INDEX billing.ix_invoices_user IS 'lookups'", "index",
       "billing.ix_invoices_user"},
      {"a schema comment", "COMMENT ON SCHEMA billing IS 'cash'", "schema", "billing"},
      {"an extension comment", "COMMENT ON EXTENSION citext IS 'case-blind text'", "extension", "citext"},
      {"a clustered index", "ALTER MATERIALIZED VIEW user_counts CLUSTER ON ix_user_counts", "index",
       "ix_user_counts"},
      {"an invalid index", "UPDATE pg_index SET indisvalid = false WHERE indexrelid = 'ix_user_counts'::regclass",
       "index", "ix_user_counts", false},
  };
  return changes;
}

}  // namespace trellis_test
