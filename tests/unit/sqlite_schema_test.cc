// The SQLite schema reader (db/sqlite_schema.h), its DDL text (sql/sqlite_ddl.h), SQLite
// scratch databases (trellis/scratch.h) and replay (engine/replay.h), on in-memory
// databases.
#include <gtest/gtest.h>

#include "engine/replay.h"
#include "sql/sqlite_ddl.h"
#include "trellis/driver.h"
#include "trellis/error.h"
#include "trellis/scratch.h"
#include "trellis/schema.h"

namespace trellis {
namespace {

void run(Driver& d, const std::string& sql) {
  for (const Statement& st : d.dialect().split(sql, 1)) d.connection().execute(st);
}

SchemaModel model_of(const std::string& sql) {
  auto server = open_scratch_server("sqlite::memory:", "", DriverOptions{});
  auto db = server->create();
  run(db->driver(), sql);
  return db->driver().catalog().read_schema();
}

std::vector<std::string> differences(const std::string& a, const std::string& b) {
  std::vector<std::string> out;
  for (const auto& d : diff_schemas(model_of(a), model_of(b))) out.push_back(describe_difference(d));
  return out;
}

const char* kBase =
    "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL COLLATE NOCASE, "
    "  age INT DEFAULT 0 CHECK (age >= 0), slug TEXT GENERATED ALWAYS AS (lower(email)) VIRTUAL, "
    "  CONSTRAINT adult CHECK (age < 200), UNIQUE (email));\n"
    "CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INT REFERENCES users(id) ON DELETE CASCADE, total REAL);\n"
    "CREATE INDEX ix_orders_user ON orders (user_id) WHERE total > 0;\n"
    "CREATE VIEW big AS SELECT * FROM orders WHERE total > 100;\n"
    "CREATE TRIGGER touch AFTER INSERT ON orders BEGIN UPDATE users SET age = age WHERE id = NEW.user_id; END;\n";

TEST(SqliteDdl, ReadsChecksCollationsAndGeneratedColumns) {
  SqliteTableText t = read_sqlite_table_text(
      "CREATE TABLE \"we ird\" (a TEXT COLLATE nocase CHECK (a <> ''), b INT AS (length(a)) STORED, "
      "c NUMERIC(10, 2) DEFAULT (1 + 2), CONSTRAINT \"c one\" CHECK (c > 0), CHECK (b < 10), UNIQUE (a, b))");
  ASSERT_EQ(t.checks.size(), 3u);
  EXPECT_EQ(t.checks[0].column, "a");
  EXPECT_EQ(t.checks[0].expression, "a <> ''");
  EXPECT_EQ(t.checks[1].name, "c one");
  EXPECT_EQ(t.checks[1].expression, "c > 0");
  EXPECT_EQ(t.checks[2].expression, "b < 10");
  EXPECT_EQ(t.collations.at("a"), "nocase");
  EXPECT_EQ(t.generated.at("b"), "(length(a)) STORED");
  EXPECT_EQ(t.generated.count("c"), 0u);
}

TEST(SqliteDdl, NormalizesWhitespaceAndComments) {
  EXPECT_EQ(normalize_sqlite_sql("CREATE VIEW v AS\n  SELECT  a , b -- note\n FROM t ( x );"),
            normalize_sqlite_sql("CREATE VIEW v AS SELECT a, b /* other */ FROM t(x)"));
  EXPECT_NE(normalize_sqlite_sql("SELECT 'a  b'"), normalize_sqlite_sql("SELECT 'a b'"));
}

TEST(SqliteSchema, ReadsEveryKind) {
  SchemaModel m = model_of(kBase);
  EXPECT_EQ(m.backend, "sqlite");
  ASSERT_NE(m.find(SchemaKind::kTable, "users"), nullptr);
  const SchemaObject* email = m.find(SchemaKind::kColumn, "users.email");
  ASSERT_NE(email, nullptr);
  EXPECT_EQ(*email->property("nullable"), "no");
  EXPECT_EQ(*email->property("collation"), "NOCASE");
  EXPECT_EQ(*m.find(SchemaKind::kColumn, "users.age")->property("default"), "0");
  EXPECT_EQ(*m.find(SchemaKind::kColumn, "users.slug")->property("generated"), "(lower(email)) VIRTUAL");
  EXPECT_NE(m.find(SchemaKind::kConstraint, "users.primary key"), nullptr);
  EXPECT_NE(m.find(SchemaKind::kConstraint, "users.unique (email COLLATE NOCASE)"), nullptr);
  EXPECT_NE(m.find(SchemaKind::kConstraint, "users.adult"), nullptr);
  EXPECT_NE(m.find(SchemaKind::kConstraint, "users.age check (age >= 0)"), nullptr);
  const SchemaObject* fk = m.find(SchemaKind::kConstraint, "orders.foreign key (user_id)");
  ASSERT_NE(fk, nullptr);
  EXPECT_EQ(*fk->property("on_delete"), "CASCADE");
  const SchemaObject* ix = m.find(SchemaKind::kIndex, "ix_orders_user");
  ASSERT_NE(ix, nullptr);
  EXPECT_NE(ix->property("definition")->find("WHERE total > 0"), std::string::npos);
  EXPECT_EQ(ix->parent, "orders");
  EXPECT_NE(m.find(SchemaKind::kView, "big"), nullptr);
  EXPECT_NE(m.find(SchemaKind::kTrigger, "orders.touch"), nullptr);
}

TEST(SqliteSchema, LeavesOutTrellisAndOtherToolsTables) {
  SchemaModel m = model_of(
      "CREATE TABLE trellis_migrations (id TEXT); CREATE TABLE schema_migrations (version INT);"
      "CREATE TABLE t (a INTEGER PRIMARY KEY AUTOINCREMENT); CREATE INDEX ix_sm ON schema_migrations (version);");
  EXPECT_EQ(m.find(SchemaKind::kTable, "trellis_migrations"), nullptr);
  EXPECT_EQ(m.find(SchemaKind::kTable, "schema_migrations"), nullptr);
  EXPECT_EQ(m.find(SchemaKind::kIndex, "ix_sm"), nullptr);
  EXPECT_EQ(m.find(SchemaKind::kTable, "sqlite_sequence"), nullptr);
  EXPECT_NE(m.find(SchemaKind::kTable, "t"), nullptr);
}

TEST(SqliteSchema, SameSchemaWrittenDifferentlyIsEqual) {
  // Other whitespace, and the columns added in the other order: no difference.
  EXPECT_TRUE(differences("CREATE TABLE t (id INTEGER PRIMARY KEY); ALTER TABLE t ADD COLUMN a TEXT; ALTER TABLE t ADD COLUMN b INT;",
                          "CREATE   TABLE t (\n id INTEGER PRIMARY KEY,\n b INT,\n a TEXT\n);")
                  .empty());
}

TEST(SqliteSchema, EachSingleChangeIsExactlyOneDifference) {
  struct Case {
    std::string from, to, expected;
  };
  std::vector<Case> cases = {
      {"DEFAULT 0 CHECK", "DEFAULT 1 CHECK", "column users.age: default differs: 0 vs 1"},
      {"WHERE total > 0", "WHERE total > 1", "index ix_orders_user: definition differs"},
      {"ON DELETE CASCADE", "ON DELETE SET NULL", "constraint orders.foreign key (user_id): on_delete differs: CASCADE vs SET NULL"},
      {"email TEXT NOT NULL", "email TEXT", "column users.email: nullable differs: no vs yes"},
      {"total > 100", "total > 1000", "view big: definition differs"},
      {"CONSTRAINT adult CHECK (age < 200)", "CONSTRAINT adult CHECK (age < 150)", "constraint users.adult: definition differs"},
      {"AFTER INSERT ON orders", "BEFORE INSERT ON orders", "trigger orders.touch: definition differs"},
  };
  for (const auto& c : cases) {
    std::string changed = kBase;
    auto at = changed.find(c.from);
    ASSERT_NE(at, std::string::npos) << c.from;
    changed.replace(at, c.from.size(), c.to);
    auto found = differences(kBase, changed);
    ASSERT_EQ(found.size(), 1u) << c.from << ": " << (found.empty() ? "none" : found[0] + " …");
    EXPECT_EQ(found[0].rfind(c.expected, 0), 0u) << found[0];
  }
}

TEST(SqliteSchema, DroppedTableIsOneDifferenceAndRogueTableIsNamed) {
  auto found = differences(kBase, std::string(kBase) + "CREATE TABLE rogue (x INT);");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0], "table rogue: not created by any migration");
  found = differences(std::string(kBase) + "CREATE TABLE gone (x INT, y INT);", kBase);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0], "table gone: missing in the database");
}

TEST(SqliteScratch, ForkCopiesSchemaAndRowsAndIsIndependent) {
  auto server = open_scratch_server("sqlite:whatever.db", "", DriverOptions{});
  auto a = server->create();
  run(a->driver(), "CREATE TABLE t (x INT); INSERT INTO t VALUES (1);");
  auto b = a->fork();
  ASSERT_NE(b, nullptr);
  run(b->driver(), "CREATE TABLE only_b (y INT);");
  EXPECT_EQ(b->driver().connection().query_scalar("SELECT count(*) FROM t"), "1");
  EXPECT_EQ(a->driver().catalog().read_schema().find(SchemaKind::kTable, "only_b"), nullptr);
  EXPECT_NE(b->driver().catalog().read_schema().find(SchemaKind::kTable, "only_b"), nullptr);
}

TEST(SqliteScratch, RefusesAScratchOfAnotherBackend) {
  try {
    open_scratch_server("sqlite:dev.db", "postgres://localhost/x", DriverOptions{});
    FAIL() << "accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kConfig);
    EXPECT_NE(std::string(e.what()).find("is postgres"), std::string::npos) << e.what();
  }
}

Migration migration(const std::string& id, const std::string& up, const std::string& down = "") {
  Migration m;
  m.id = id;
  m.path = "migrations/" + id + ".sql";
  m.up = Section{true, up, 3, true};
  if (!down.empty()) m.down = Section{true, down, 10, true};
  m.irreversible = down.empty();
  return m;
}

TEST(Replay, RunsUpAndDownAndNamesTheFailingStatement) {
  auto db = open_scratch_server("sqlite::memory:", "", DriverOptions{})->create();
  Migration a = migration("core/0001_t", "CREATE TABLE t (x INT);", "DROP TABLE t;");
  Migration b = migration("core/0002_bad", "CREATE TABLE u (y INT);\nINSERT INTO nowhere VALUES (1);");
  EXPECT_FALSE(replay(db->driver(), {&a}));
  EXPECT_FALSE(replay_section(db->driver(), a, ReplayDirection::kDown));
  EXPECT_FALSE(replay(db->driver(), {&a}));
  auto failure = replay(db->driver(), {&b});
  ASSERT_TRUE(failure);
  EXPECT_EQ(failure->id, "core/0002_bad");
  EXPECT_EQ(failure->statement, 2);
  EXPECT_EQ(failure->line, 4);
  EXPECT_NE(failure->describe().find("no such table: nowhere"), std::string::npos) << failure->describe();
  // The failing migration's transaction was rolled back: u does not exist.
  EXPECT_EQ(db->driver().catalog().read_schema().find(SchemaKind::kTable, "u"), nullptr);
}

}  // namespace
}  // namespace trellis
