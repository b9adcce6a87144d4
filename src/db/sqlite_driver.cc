// sqlite_driver.cc — the embedded default backend: its Dialect and Catalog, and the
// Driver that composes them with the connection (sqlite_connection.h), the state tables
// (sqlite_state.h) and the file lock (sqlite_lock.h).
#include <sqlite3.h>

#include "db/drivers.h"
#include "trellis/error.h"
#include "db/sqlite_connection.h"
#include "db/sqlite_lock.h"
#include "db/sqlite_schema.h"
#include "db/sqlite_state.h"
#include "sql/sql_text.h"
#include "sql/sqlite_traits.h"
#include "util/text.h"

namespace trellis {
namespace {

class SqliteDialect final : public SqlDialect, public Catalog {
 public:
  explicit SqliteDialect(Connection& connection) : connection_(connection) {}
  std::string_view name() const override { return "sqlite"; }
  std::vector<Statement> split(std::string_view sql, int first_line) override;
  StatementTraits traits(const Statement& st) override { return sqlite_traits(st.sql); }
  // VACUUM and PRAGMA (what SQLite cannot run, or ignores, in a transaction) are harmless
  // to repeat.
  OutsideVerdict before_outside(const Statement&, bool) override { return {}; }
  std::vector<std::string> find_leftovers() override { return {}; }
  std::string render_begin(const Timeouts&) const override { return "BEGIN IMMEDIATE;\n"; }
  std::string render_commit() const override { return "COMMIT;\n"; }

  // SQLite keeps no row estimates outside sqlite_stat1, which few databases have.
  std::optional<std::int64_t> estimated_rows(const std::string&) override { return std::nullopt; }
  SchemaModel read_schema() override { return read_sqlite_schema(connection_); }

 private:
  Connection& connection_;
};

// Splits with SQLite's own tokenizer: sqlite3_complete() says whether text up to a ';'
// is one or more complete statements (it knows strings, comments and trigger bodies).
std::vector<Statement> SqliteDialect::split(std::string_view sql, int first_line) {
  std::vector<Statement> out;
  std::size_t start = 0;
  std::string buf;
  auto emit = [&](std::size_t end) {
    std::string_view text = sql.substr(start, end - start);
    std::size_t lead = skip_sql_trivia(text);
    if (lead < text.size()) {
      out.push_back(Statement{std::string(text), static_cast<int>(out.size()) + 1,
                              line_at(sql, start + lead, first_line), StatementTraits{}});
    }
    start = end;
  };
  for (std::size_t pos = sql.find(';'); pos != std::string_view::npos; pos = sql.find(';', pos + 1)) {
    buf.assign(sql.substr(start, pos + 1 - start));
    if (sqlite3_complete(buf.c_str())) emit(pos + 1);
  }
  emit(sql.size());
  return out;
}

class SqliteDriver final : public Driver {
 public:
  SqliteDriver(const std::string& path, OpenMode mode) : connection_(path, mode), state_(connection_), lock_(path), dialect_(connection_) {
    attach(connection_, state_, lock_, dialect_, dialect_);
  }
  ~SqliteDriver() override { lock_.release(); }

 private:
  sqlite::SqliteConnection connection_;
  sqlite::SqliteState state_;
  sqlite::FileLock lock_;
  SqliteDialect dialect_;
};

}  // namespace

std::unique_ptr<Driver> make_sqlite_driver(const std::string& path, OpenMode mode) {
  return std::make_unique<SqliteDriver>(path, mode);
}

}  // namespace trellis
