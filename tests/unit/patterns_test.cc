// Safe-pattern scaffolding: every pattern's files parse, carry the right phase,
// transaction mode, lock setting and down section; bad options name the flag.
#include <gtest/gtest.h>

#include "project/migration_parser.h"
#include "trellis/error.h"
#include "trellis/patterns.h"

namespace trellis {
namespace {

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

struct Parsed {
  std::string slug;
  Migration m;
  std::string up() const { return trimmed(m.up.sql); }
  std::string down() const { return trimmed(m.down.sql); }
};

std::vector<Parsed> render(PatternOptions o) {
  std::vector<Parsed> out;
  for (const auto& f : render_pattern(o)) {
    Parsed p;
    p.slug = f.slug;
    p.m.path = "migrations/x/0001_" + f.slug + ".sql";
    Diagnostics diag;
    parse_migration(f.text, p.m, diag);
    EXPECT_TRUE(diag.empty()) << f.text << "\n" << (diag.empty() ? "" : format_text(diag.errors[0]));
    out.push_back(std::move(p));
  }
  return out;
}

std::string phases(const std::vector<Parsed>& files) {
  std::string s;
  for (const auto& f : files) s += std::string(s.empty() ? "" : " ") + phase_name(f.m.phase);
  return s;
}

PatternOptions opts(const std::string& pattern) {
  PatternOptions o;
  o.pattern = pattern;
  o.table = "orders";
  o.column = "status";
  o.type = "text";
  o.default_expr = "'new'";
  o.ref_table = "customers";
  o.new_name = "state";
  o.batch_size = 500;
  return o;
}

TEST(Patterns, AddNotNullColumnIsNullableAddBackfillCheckValidateSetNotNull) {
  auto files = render(opts("add-not-null-column"));
  ASSERT_EQ(files.size(), 5u);
  EXPECT_EQ(phases(files), "expand backfill contract contract contract");
  EXPECT_EQ(files[0].up(), "ALTER TABLE orders ADD COLUMN IF NOT EXISTS status text;\n"
                               "ALTER TABLE orders ALTER COLUMN status SET DEFAULT 'new';");
  ASSERT_TRUE(files[1].m.batch.has_value());
  EXPECT_EQ(files[1].m.batch->table, "orders");
  EXPECT_EQ(files[1].m.batch->key, "id");
  EXPECT_EQ(files[1].m.batch->size, 500);
  EXPECT_NE(files[1].up().find("WHERE id > :lo AND id <= :hi AND status IS NULL"), std::string::npos);
  EXPECT_NE(files[2].up().find("CHECK (status IS NOT NULL) NOT VALID"), std::string::npos);
  EXPECT_EQ(files[3].up(), "ALTER TABLE orders VALIDATE CONSTRAINT orders_status_not_null;");
  EXPECT_EQ(files[4].up(), "ALTER TABLE orders ALTER COLUMN status SET NOT NULL;\n"
                               "ALTER TABLE orders DROP CONSTRAINT IF EXISTS orders_status_not_null;");
  for (const auto& f : files) {
    EXPECT_TRUE(f.m.reversible()) << f.slug;
    EXPECT_EQ(f.m.tx, TxMode::kTransactional) << f.slug;
    ASSERT_TRUE(f.m.lock_timeout.has_value()) << f.slug;
    EXPECT_EQ(f.m.lock_timeout->count(), 2000);
  }
}

TEST(Patterns, IndexesAreConcurrentOutsideATransaction) {
  auto ix = render(opts("add-index"));
  ASSERT_EQ(ix.size(), 1u);
  EXPECT_EQ(ix[0].m.tx, TxMode::kNone);
  EXPECT_EQ(ix[0].up(), "CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_orders_status ON orders (status);");
  EXPECT_EQ(ix[0].down(), "DROP INDEX CONCURRENTLY IF EXISTS ix_orders_status;");
  auto uq = render(opts("add-unique-constraint"));
  ASSERT_EQ(uq.size(), 2u);
  EXPECT_EQ(uq[0].m.tx, TxMode::kNone);
  EXPECT_EQ(uq[1].m.tx, TxMode::kTransactional);
  EXPECT_EQ(uq[1].up(), "ALTER TABLE orders ADD CONSTRAINT orders_status_key UNIQUE USING INDEX orders_status_key;");
  auto multi = opts("add-index");
  multi.column = "a, b";
  EXPECT_EQ(render(multi)[0].up(), "CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_orders_a_b ON orders (a, b);");
}

TEST(Patterns, ForeignKeyIsNotValidThenValidate) {
  auto o = opts("add-foreign-key");
  o.column = "customer_id";
  auto files = render(o);
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(phases(files), "expand expand");
  EXPECT_EQ(files[0].up(), "ALTER TABLE orders ADD CONSTRAINT fk_orders_customer_id FOREIGN KEY (customer_id) "
                               "REFERENCES customers (id) NOT VALID;");
  EXPECT_EQ(files[1].up(), "ALTER TABLE orders VALIDATE CONSTRAINT fk_orders_customer_id;");
}

TEST(Patterns, RenameAndTypeChangeAreCopyWithTriggerBackfillThenContract) {
  auto files = render(opts("rename-column"));
  ASSERT_EQ(files.size(), 3u);
  EXPECT_EQ(phases(files), "expand backfill contract");
  EXPECT_NE(files[0].up().find("CREATE TRIGGER orders_sync_status_state BEFORE INSERT OR UPDATE ON orders"),
            std::string::npos);
  EXPECT_NE(files[1].up().find("SET state = CAST(status AS text)"), std::string::npos);
  EXPECT_EQ(files[2].up().find("DROP TRIGGER IF EXISTS orders_sync_status_state ON orders;"), 0u);
  EXPECT_FALSE(files[2].m.reversible());
  auto type = opts("change-column-type");
  type.new_name.clear();
  type.type = "bigint";
  auto t = render(type);
  EXPECT_EQ(t[0].slug, "add_orders_status_new");
  EXPECT_EQ(t[2].slug, "drop_orders_status");
}

TEST(Patterns, DropColumnIsContractOnlyAndForwardOnly) {
  auto files = render(opts("drop-column"));
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].m.phase, Phase::kContract);
  EXPECT_FALSE(files[0].m.reversible());
}

TEST(Patterns, BadOptionsNameTheFlag) {
  auto o = opts("add-foreign-key");
  o.ref_table.clear();
  try {
    render_pattern(o);
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "--ref-table is required for --pattern add-foreign-key");
  }
  o = opts("add-index");
  o.table = "orders; DROP TABLE x";
  try {
    render_pattern(o);
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "--table: 'orders; DROP TABLE x' is not a plain SQL name");
  }
  o.pattern = "add-colum";
  EXPECT_THROW(render_pattern(o), Error);
}

}  // namespace
}  // namespace trellis
