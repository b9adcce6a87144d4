// trellis import, end to end on PostgreSQL: a fixture project of each tool, written in its
// documented format, is imported and applied by trellis; the same SQL is run by psql in the
// source tool's order on another database; both schemas (pg_dump --schema-only) are equal.
#include <filesystem>

#include <gtest/gtest.h>

#include "import_support.h"

namespace trellis_test {
namespace {

// The same schema change in every tool: tables, a later column, a function whose body has
// semicolons, and an index that must be built outside a transaction.
const std::string kUsers = "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\n";
const std::string kUsersDown = "DROP TABLE users;\n";
const std::string kOrders =
    "CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));\n"
    "ALTER TABLE users ADD COLUMN name text;\n";
const std::string kOrdersDown = "DROP TABLE orders;\nALTER TABLE users DROP COLUMN name;\n";
const std::string kFunction =
    "CREATE FUNCTION order_count(u bigint) RETURNS bigint LANGUAGE plpgsql AS $$\n"
    "BEGIN\n  RETURN (SELECT count(*) FROM orders WHERE user_id = u);\nEND;\n$$;\n";
const std::string kFunctionDown = "DROP FUNCTION order_count(bigint);\n";
const std::string kIndex = "CREATE INDEX CONCURRENTLY orders_user ON orders (user_id);\n";
const std::string kIndexDown = "DROP INDEX CONCURRENTLY orders_user;\n";

class ImportPgTest : public ::testing::Test {
 protected:
  void SetUp() override {
    TRELLIS_REQUIRE_PG_OR_SKIP(server);
    url_ = server->create_database();
    reference_ = server->create_database();
    configure_scripted(project_, url_);
  }

  // Imports `f`, applies it with trellis and compares with psql's run of the tool's order.
  void round_trip(const Fixture& f) {
    write_fixture(project_, f);
    RunResult imported = project_.run({"import", "--from", f.tool, project_.path("source")});
    ASSERT_EQ(imported.exit_code, 0) << imported.describe();
    RunResult applied = project_.run({"apply"});
    ASSERT_EQ(applied.exit_code, 0) << applied.describe();
    ASSERT_NO_THROW(run_with_psql(project_, reference_, f.ups));
    std::string ours = schema_dump(url_);
    EXPECT_NE(ours.find("CREATE TABLE public.orders"), std::string::npos) << ours;
    EXPECT_NE(ours.find("CREATE INDEX orders_user "), std::string::npos) << ours;
    EXPECT_EQ(ours, schema_dump(reference_));
    RunResult status = project_.run({"status"});
    EXPECT_EQ(status.exit_code, 0) << status.describe();
    EXPECT_TRUE(std::filesystem::exists(project_.path(".trellis-import.toml")));
  }

  TestProject project_;
  std::string url_, reference_;
};

TEST_F(ImportPgTest, GolangMigrate) {
  round_trip({"golang-migrate",
              {{"000001_users.up.sql", kUsers}, {"000001_users.down.sql", kUsersDown},
               {"000002_orders.up.sql", kOrders}, {"000002_orders.down.sql", kOrdersDown},
               {"000010_order_count.up.sql", kFunction},
               {"000011_orders_user.up.sql", kIndex}, {"000011_orders_user.down.sql", kIndexDown}},
              {kUsers, kOrders, kFunction, kIndex}});
  // The down came along, with its transaction rule (a concurrent drop runs outside one).
  RunResult to = project_.run({"rollback", "--yes", "core/000011"});
  ASSERT_EQ(to.exit_code, 0) << to.describe();
  EXPECT_EQ(schema_dump(url_).find("CREATE INDEX orders_user "), std::string::npos) << to.describe();
}

TEST_F(ImportPgTest, Dbmate) {
  round_trip({"dbmate",
              {{"20260101000000_users.sql", "-- migrate:up\n" + kUsers + "\n-- migrate:down\n" + kUsersDown},
               {"20260102000000_orders.sql", "-- a comment before the up block\n-- migrate:up\n" + kOrders +
                                                 "-- migrate:down\n" + kOrdersDown},
               {"20260103000000_order_count.sql", "-- migrate:up\n" + kFunction},
               {"20260104000000_orders_user.sql", "-- migrate:up transaction:false\n" + kIndex +
                                                      "-- migrate:down transaction:false\n" + kIndexDown}},
              {kUsers, kOrders, kFunction, kIndex}});
}

TEST_F(ImportPgTest, Goose) {
  round_trip({"goose",
              {{"00001_users.sql", "-- +goose Up\n" + kUsers + "-- +goose Down\n" + kUsersDown},
               {"00002_orders.sql", "-- +goose Up\n" + kOrders + "-- +goose Down\n" + kOrdersDown},
               {"00003_order_count.sql", "-- +goose Up\n-- +goose StatementBegin\n" + kFunction +
                                             "-- +goose StatementEnd\n-- +goose Down\n" + kFunctionDown},
               {"00004_orders_user.sql", "-- +goose NO TRANSACTION\n-- +goose Up\n" + kIndex + "-- +goose Down\n" +
                                             kIndexDown}},
              {kUsers, kOrders, kFunction, kIndex}});
}

TEST_F(ImportPgTest, Flyway) {
  const std::string view = "CREATE OR REPLACE VIEW user_emails AS SELECT email FROM users;\n";
  round_trip({"flyway",
              {{"V1__users.sql", kUsers},
               {"U1__users.sql", kUsersDown},
               {"V1.1__orders.sql", kOrders},
               {"sub/V1.10__orders_user.sql", kIndex},
               {"V1.2__order_count.sql", kFunction},
               {"V1.2__order_count.sql.conf", "executeInTransaction=false\n"},
               {"R__user_emails.sql", view}},
              {kUsers, kOrders, kFunction, kIndex, view}});
}

TEST_F(ImportPgTest, SqitchWithRequiresTagsAndARework) {
  const std::string plan =
      "%syntax-version=1.0.0\n%project=shop\n\n"
      "users 2026-01-01T00:00:00Z Ann <ann@example.com> # users\n"
      "orders [users] 2026-01-02T00:00:00Z Ann <ann@example.com>\n"
      "@v1.0 2026-01-03T00:00:00Z Ann <ann@example.com> # first release\n"
      "order_count [orders !legacy_counts] 2026-01-04T00:00:00Z Ann <ann@example.com>\n"
      "orders_user [orders] 2026-01-05T00:00:00Z Ann <ann@example.com>\n"
      "orders [orders@v1.0] 2026-01-06T00:00:00Z Ann <ann@example.com> # reworked\n";
  const std::string rework = "BEGIN;\nCOMMENT ON TABLE orders IS 'reworked';\nCOMMIT;\n";
  auto tx = [](const std::string& sql) { return "BEGIN;\n" + sql + "COMMIT;\n"; };
  round_trip({"sqitch",
              {{"sqitch.plan", plan},
               {"deploy/users.sql", tx(kUsers)}, {"revert/users.sql", tx(kUsersDown)},
               {"verify/users.sql", "SELECT id FROM users WHERE false;\n"},
               {"deploy/orders@v1.0.sql", tx(kOrders)}, {"revert/orders@v1.0.sql", tx(kOrdersDown)},
               {"deploy/order_count.sql", tx(kFunction)}, {"revert/order_count.sql", tx(kFunctionDown)},
               {"deploy/orders_user.sql", kIndex}, {"revert/orders_user.sql", kIndexDown},
               {"deploy/orders.sql", rework}, {"revert/orders.sql", "COMMENT ON TABLE orders IS NULL;\n"}},
              {tx(kUsers), tx(kOrders), tx(kFunction), kIndex, rework}});
  std::string manifest = read_file(project_.path(".trellis-import.toml"));
  EXPECT_NE(manifest.find("name = \"@v1.0\"\nafter = \"core/0002_orders\""), std::string::npos) << manifest;
  EXPECT_NE(manifest.find("conflicts with legacy_counts"), std::string::npos) << manifest;
}

TEST_F(ImportPgTest, Diesel) {
  round_trip({"diesel",
              {{"2026-01-01-000000_users/up.sql", kUsers}, {"2026-01-01-000000_users/down.sql", kUsersDown},
               {"2026-01-02-000000_orders/up.sql", kOrders}, {"2026-01-02-000000_orders/down.sql", kOrdersDown},
               {"2026-01-03-000000_order_count/up.sql", kFunction},
               {"2026-01-03-000000_order_count/down.sql", kFunctionDown},
               {"2026-01-04-000000_orders_user/up.sql", kIndex},
               {"2026-01-04-000000_orders_user/down.sql", kIndexDown},
               {"2026-01-04-000000_orders_user/metadata.toml", "run_in_transaction = false\n"}},
              {kUsers, kOrders, kFunction, kIndex}});
}

TEST_F(ImportPgTest, DagBecomesFeaturesWithRequires) {
  round_trip({"dag",
              {{"users/up.sql", kUsers},
               {"orders/up.sql", kOrders},
               {"orders/migration.toml", "parents = [\"users\"]\nfeature = \"billing\"\n"},
               {"order_count/up.sql", kFunction},
               {"order_count/migration.toml", "parents = [\"orders\"]\n"},
               {"orders_user/up.sql", kIndex},
               {"orders_user/migration.toml", "parents = [\"orders\", \"users\"]\ntransaction = false\n"}},
              {kUsers, kOrders, kFunction, kIndex}});
  std::string text = read_file(project_.path("migrations/billing/0001_orders.sql"));
  EXPECT_NE(text.find("-- requires: core/0001_users\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace trellis_test
