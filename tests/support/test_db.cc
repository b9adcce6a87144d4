// test_db.cc — access to the test databases: SQLite through the sqlite3 C API,
// PostgreSQL through PgServer::query.
#include <sqlite3.h>

#include <algorithm>
#include <stdexcept>

#include "pg_server.h"
#include "temp_dir.h"
#include "test_db.h"

namespace trellis_test {

namespace {

class SqliteDb : public TestDb {
 public:
  explicit SqliteDb(std::string path) : path_(std::move(path)) {}

  std::string backend() const override { return "sqlite"; }
  std::string url() const override { return "sqlite:" + path_; }
  std::string migrations_table() const override { return "trellis_migrations"; }
  std::string history_table() const override { return "trellis_history"; }

  std::vector<std::string> query(const std::string& sql) override {
    std::vector<std::string> rows;
    if (!file_exists(path_)) return rows;  // nothing was ever created
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
      std::string message = db ? sqlite3_errmsg(db) : "out of memory";
      sqlite3_close(db);
      throw std::runtime_error("cannot open " + path_ + ": " + message);
    }
    sqlite3_busy_timeout(db, 10000);
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      std::string message = sqlite3_errmsg(db);
      sqlite3_close(db);
      throw std::runtime_error("sqlite: " + message + " in: " + sql);
    }
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) rows.push_back(row_text(stmt));
    std::string message = sqlite3_errmsg(db);
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    if (rc != SQLITE_DONE) throw std::runtime_error("sqlite: " + message + " in: " + sql);
    return rows;
  }

  void exec(const std::string& script) override {
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                        nullptr) != SQLITE_OK) {
      sqlite3_close(db);
      throw std::runtime_error("cannot open " + path_);
    }
    sqlite3_busy_timeout(db, 10000);
    char* error = nullptr;
    int rc = sqlite3_exec(db, script.c_str(), nullptr, nullptr, &error);
    std::string message = error != nullptr ? error : "";
    sqlite3_free(error);
    sqlite3_close(db);
    if (rc != SQLITE_OK) throw std::runtime_error("sqlite: " + message + " in: " + script);
  }

  std::vector<std::string> tables() override {
    return query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'trellis_%' "
        "AND name NOT LIKE 'sqlite_%' ORDER BY name");
  }

  bool state_exists() override {
    return !query("SELECT name FROM sqlite_master WHERE type = 'table' AND "
                  "name = 'trellis_migrations'")
                .empty();
  }

  bool write_in_progress() override {
    return file_exists(path_ + "-journal") || file_exists(path_ + "-wal");
  }

 private:
  static std::string row_text(sqlite3_stmt* stmt) {
    std::string row;
    for (int column = 0; column < sqlite3_column_count(stmt); ++column) {
      if (column > 0) row += '|';
      const unsigned char* text = sqlite3_column_text(stmt, column);
      if (text != nullptr) row += reinterpret_cast<const char*>(text);
    }
    return row;
  }

  std::string path_;
};

class PostgresDb : public TestDb {
 public:
  PostgresDb(PgServer* server, std::string url) : server_(server), url_(std::move(url)) {}

  std::string backend() const override { return "postgres"; }
  std::string url() const override { return url_; }
  std::string migrations_table() const override { return "trellis.migrations"; }
  std::string history_table() const override { return "trellis.history"; }

  std::vector<std::string> query(const std::string& sql) override {
    return server_->query(url_, sql);
  }

  void exec(const std::string& script) override { server_->query(url_, script); }

  std::vector<std::string> tables() override {
    return query(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
        "ORDER BY table_name");
  }

  bool state_exists() override {
    return query("SELECT to_regclass('trellis.migrations') IS NOT NULL") ==
           std::vector<std::string>{"t"};
  }

  bool write_in_progress() override {
    return query("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                 "AND state = 'active' AND query LIKE '%pg_sleep%' "
                 "AND pid <> pg_backend_pid()") != std::vector<std::string>{"0"};
  }

 private:
  PgServer* server_;
  std::string url_;
};

}  // namespace

std::string TestDb::scalar(const std::string& sql) {
  auto rows = query(sql);
  return rows.empty() ? "" : rows.front();
}

bool TestDb::has_table(const std::string& name) {
  auto all = tables();
  return std::find(all.begin(), all.end(), name) != all.end();
}

std::vector<std::string> TestDb::state_rows() {
  if (!state_exists()) return {};
  return query("SELECT id, status FROM " + migrations_table() + " ORDER BY id");
}

std::vector<std::string> TestDb::applied_ids() {
  if (!state_exists()) return {};
  return query("SELECT id FROM " + migrations_table() +
               " WHERE status = 'applied' ORDER BY id");
}

std::vector<std::string> TestDb::history() {
  if (!state_exists()) return {};
  return query("SELECT id, action FROM " + history_table() + " ORDER BY seq");
}

int TestDb::history_count(const std::string& id, const std::string& action) {
  auto events = history();
  return static_cast<int>(std::count(events.begin(), events.end(), id + "|" + action));
}

std::string TestDb::state_error(const std::string& id) {
  if (!state_exists()) return "";
  auto rows = query("SELECT error FROM " + migrations_table() + " WHERE id = '" + id + "'");
  return rows.empty() ? "" : rows.front();
}

std::unique_ptr<TestDb> make_db(const std::string& backend, const std::string& dir,
                                const std::string& name) {
  if (backend == "sqlite") return std::make_unique<SqliteDb>(dir + "/" + name + ".db");
  PgServer* server = PgServer::get();
  if (server == nullptr) throw std::runtime_error("no PostgreSQL server: " + PgServer::reason());
  return make_pg_db(*server);
}

std::unique_ptr<TestDb> make_pg_db(PgServer& server) {
  return std::make_unique<PostgresDb>(&server, server.create_database());
}

bool wait_for_slow_statement(Child& child, TestDb& db) {
  if (db.backend() == "sqlite") {
    if (!child.wait_until([&] { return db.write_in_progress(); }, milliseconds(5000))) {
      return false;
    }
    auto seen = std::chrono::steady_clock::now();
    return child.wait_until(
        [&] { return std::chrono::steady_clock::now() - seen > milliseconds(300); },
        milliseconds(5000));
  }
  return child.wait_until([&] { return db.write_in_progress(); }, milliseconds(10000));
}

}  // namespace trellis_test
