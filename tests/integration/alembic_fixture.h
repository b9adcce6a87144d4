// alembic_fixture.h — an Alembic project written by the tests in Alembic's documented
// layout (alembic.ini, env.py, script.py.mako, versions/*.py), and running the real
// `alembic` on it. The history: a core line (users, orders, an index built concurrently in
// an autocommit block), a labelled branch `billing` whose root depends_on core's first
// revision, and a merge of both heads.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "import_support.h"

namespace trellis_test {

// Skips the test when Alembic is not installed (CI installs it: scripts/setup.sh).
#define TRELLIS_REQUIRE_ALEMBIC_OR_SKIP()                                                  \
  if (::trellis_test::find_program("alembic").empty()) {                                  \
    GTEST_SKIP() << "alembic is not installed (Debian: apt-get install alembic)";         \
  }

inline const char* kAlembicIni =
    "[alembic]\n"
    "script_location = .\n"
    "# Offline mode connects to nothing: the URL only chooses the dialect.\n"
    "sqlalchemy.url = postgresql://localhost/unused\n";

// Online runs read DATABASE_URL, as deployments do.
inline const char* kAlembicEnv =
    "import os\n"
    "from alembic import context\n"
    "from sqlalchemy import create_engine, pool\n"
    "\n"
    "config = context.config\n"
    "url = os.environ.get(\"DATABASE_URL\") or config.get_main_option(\"sqlalchemy.url\")\n"
    "\n"
    "if context.is_offline_mode():\n"
    "    context.configure(url=url, literal_binds=True)\n"
    "    with context.begin_transaction():\n"
    "        context.run_migrations()\n"
    "else:\n"
    "    engine = create_engine(url, poolclass=pool.NullPool)\n"
    "    with engine.connect() as connection:\n"
    "        context.configure(connection=connection)\n"
    "        with context.begin_transaction():\n"
    "            context.run_migrations()\n";

inline const char* kAlembicMako =
    "\"\"\"${message}\"\"\"\n"
    "from alembic import op\n"
    "import sqlalchemy as sa\n"
    "\n"
    "revision = ${repr(up_revision)}\n"
    "down_revision = ${repr(down_revision)}\n"
    "branch_labels = ${repr(branch_labels)}\n"
    "depends_on = ${repr(depends_on)}\n"
    "\n"
    "def upgrade():\n"
    "    ${upgrades if upgrades else \"pass\"}\n"
    "\n"
    "def downgrade():\n"
    "    ${downgrades if downgrades else \"pass\"}\n";

// A revision file as script.py.mako renders it; `down` and `depends` are Python literals.
inline std::string alembic_revision(const std::string& doc, const std::string& revision, const std::string& down,
                                    const std::string& labels, const std::string& depends, const std::string& upgrade,
                                    const std::string& downgrade) {
  return "\"\"\"" + doc + "\"\"\"\nfrom alembic import op\nimport sqlalchemy as sa\n\nrevision = \"" + revision +
         "\"\ndown_revision = " + down + "\nbranch_labels = " + labels + "\ndepends_on = " + depends +
         "\n\ndef upgrade():\n" + upgrade + "\n\ndef downgrade():\n" + downgrade + "\n";
}

inline std::vector<std::pair<std::string, std::string>> alembic_project() {
  return {
      {"alembic.ini", kAlembicIni},
      {"env.py", kAlembicEnv},
      {"script.py.mako", kAlembicMako},
      {"versions/core01_users.py",
       alembic_revision("users", "core01", "None", "None", "None",
                        "    op.create_table(\"users\", sa.Column(\"id\", sa.BigInteger, primary_key=True),\n"
                        "                    sa.Column(\"email\", sa.Text, nullable=False))\n"
                        "    op.create_index(\"users_email\", \"users\", [\"email\"], unique=True)",
                        "    op.drop_index(\"users_email\")\n    op.drop_table(\"users\")")},
      {"versions/core02_orders.py",
       alembic_revision("orders", "core02", "\"core01\"", "None", "None",
                        "    op.create_table(\"orders\", sa.Column(\"id\", sa.BigInteger, primary_key=True),\n"
                        "                    sa.Column(\"user_id\", sa.BigInteger, sa.ForeignKey(\"users.id\")))\n"
                        "    op.add_column(\"users\", sa.Column(\"name\", sa.Text))\n"
                        "    op.execute(\"\"\"CREATE FUNCTION order_count(u bigint) RETURNS bigint\n"
                        "LANGUAGE plpgsql AS $$\nBEGIN\n  RETURN (SELECT count(*) FROM orders WHERE user_id = u);\n"
                        "END;\n$$\"\"\")",
                        "    op.execute(\"DROP FUNCTION order_count(bigint)\")\n"
                        "    op.drop_column(\"users\", \"name\")\n    op.drop_table(\"orders\")")},
      {"versions/core03_orders_user.py",
       alembic_revision("orders by user", "core03", "\"core02\"", "None", "None",
                        "    with op.get_context().autocommit_block():\n"
                        "        op.create_index(\"orders_user\", \"orders\", [\"user_id\"], postgresql_concurrently=True)",
                        "    with op.get_context().autocommit_block():\n"
                        "        op.drop_index(\"orders_user\", postgresql_concurrently=True)")},
      {"versions/bill01_invoices.py",
       alembic_revision("invoices", "bill01", "None", "(\"billing\",)", "\"core01\"",
                        "    op.create_table(\"invoices\", sa.Column(\"id\", sa.BigInteger, primary_key=True),\n"
                        "                    sa.Column(\"user_id\", sa.BigInteger, sa.ForeignKey(\"users.id\")))",
                        "    op.drop_table(\"invoices\")")},
      {"versions/bill02_invoice_total.py",
       alembic_revision("invoice total", "bill02", "\"bill01\"", "None", "None",
                        "    op.add_column(\"invoices\", sa.Column(\"total\", sa.Numeric(10, 2), server_default=\"0\"))",
                        "    raise NotImplementedError(\"no way back\")")},
      {"versions/merge1_merge.py",
       alembic_revision("merge core and billing", "merge1", "(\"core03\", \"bill02\")", "None", "None",
                        "    op.execute(\"CREATE VIEW user_totals AS SELECT u.email, sum(i.total) AS total \"\n"
                        "               \"FROM users u JOIN invoices i ON i.user_id = u.id GROUP BY u.email\")",
                        "    op.execute(\"DROP VIEW user_totals\")")},
  };
}

// SQLAlchemy's spelling of a libpq URL of the test server.
inline std::string sqlalchemy_url(std::string url) {
  if (url.rfind("postgres://", 0) == 0) url.replace(0, 11, "postgresql://");
  return url;
}

// Runs the real `alembic ARGS…` in `dir` against the database at `url`.
inline RunResult run_alembic(const std::string& dir, const std::string& url, const std::vector<std::string>& args) {
  RunOptions o;
  o.program = find_program("alembic");
  o.args = args;
  o.cwd = dir;
  o.env["DATABASE_URL"] = sqlalchemy_url(url);
  return run_process(o);
}

}  // namespace trellis_test
