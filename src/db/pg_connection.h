// pg_connection.h — one libpq connection: connecting with clear errors, running SQL,
// turning failures into trellis::SqlError, and counting round trips.
//
// Only the PostgreSQL driver's files include this header (and so libpq-fe.h). libpq is
// loaded on first use (libpq_api.h): call its functions as libpq().PQ*.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace trellis::pg {

struct ResultDeleter {
  void operator()(PGresult* result) const;
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

// A NULL-able text value, for parameters.
using Value = std::optional<std::string>;

class Connection {
 public:
  // Connects with `conninfo` (URL or key-value string; PG* variables apply as in libpq),
  // with application_name=trellis unless the string sets one. Throws Error(kConnection)
  // naming host, port and database, never the password.
  explicit Connection(const std::string& conninfo);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs `sql` (one or more statements, simple protocol). Throws SqlError on failure.
  Result exec(const std::string& sql);
  // Runs one statement with text parameters $1, $2, …. Throws SqlError on failure.
  Result exec_params(const std::string& sql, const std::vector<Value>& params);
  // Runs one statement without parameters, its result in binary format (pg_binary.h).
  Result exec_binary(const std::string& sql);

  // 'text' quoted as a literal / "name" as an identifier, by libpq.
  std::string literal(std::string_view text) const;
  std::string identifier(std::string_view name) const;

  // Where libpq connected: host (a socket directory for Unix sockets), the numeric
  // address it reached ("" for a socket) and the port; and the server's version (150004).
  std::string host() const;
  std::string hostaddr() const;
  std::string port() const;
  int server_version() const;

  bool in_transaction() const;
  bool lost() const;
  std::int64_t round_trips() const { return round_trips_; }
  const std::string& target() const { return target_; }  // masked, for messages

 private:
  Result check(PGresult* raw);

  PGconn* conn_ = nullptr;
  std::string target_;
  std::int64_t round_trips_ = 0;
};

// `conninfo` (a URL or a key-value string) naming database `dbname` instead, as a
// key-value string. Throws Error(kConfig) when libpq cannot parse it.
std::string conninfo_with_dbname(const std::string& conninfo, const std::string& dbname);

// Rows x columns of a result as text ("" for NULL).
std::string text_at(const Result& result, int row, int column);

}  // namespace trellis::pg
