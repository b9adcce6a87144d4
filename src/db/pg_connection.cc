// pg_connection.cc — libpq behind a small class that throws trellis errors.
#include "db/pg_connection.h"

#include <string>

#include "db/libpq_api.h"
#include "trellis/driver.h"
#include "trellis/error.h"

namespace trellis::pg {
namespace {

std::string trim(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

void replace_all(std::string& text, const std::string& what, const std::string& with) {
  if (what.empty()) return;
  for (std::size_t pos = text.find(what); pos != std::string::npos;
       pos = text.find(what, pos + with.size())) {
    text.replace(pos, what.size(), with);
  }
}

std::string or_empty(const char* text) { return text == nullptr ? std::string() : text; }

// libpq's messages do not contain the password, but a malformed URL may be echoed back:
// scrub whatever password libpq parsed or used, and mask URL-shaped text.
std::string scrub(std::string message, PGconn* conn, const std::string& conninfo) {
  const auto& pq = libpq();
  if (conn != nullptr) replace_all(message, or_empty(pq.PQpass(conn)), "***");
  char* error = nullptr;
  PQconninfoOption* options = pq.PQconninfoParse(conninfo.c_str(), &error);
  if (error != nullptr) pq.PQfreemem(error);
  for (PQconninfoOption* o = options; o != nullptr && o->keyword != nullptr; ++o) {
    if (std::string(o->keyword) == "password" && o->val != nullptr) {
      replace_all(message, o->val, "***");
    }
  }
  if (options != nullptr) pq.PQconninfoFree(options);
  replace_all(message, conninfo, mask_url(conninfo));
  return message;
}

[[noreturn]] void throw_connect_error(PGconn* conn, const std::string& conninfo) {
  const auto& pq = libpq();
  std::string message = "cannot connect to PostgreSQL";
  if (conn != nullptr) {
    message += " database \"" + or_empty(pq.PQdb(conn)) + "\" on host \"" +
               or_empty(pq.PQhost(conn)) + "\" port " + or_empty(pq.PQport(conn)) + " as user \"" +
               or_empty(pq.PQuser(conn)) + "\"";
  }
  std::string reason = conn == nullptr ? "out of memory" : trim(or_empty(pq.PQerrorMessage(conn)));
  message += ": " + scrub(reason, conn, conninfo);
  if (conn != nullptr) pq.PQfinish(conn);
  throw Error(ErrorKind::kConnection, message,
              "check the database URL (" + mask_url(conninfo) +
                  "), that the server is running and reachable, and the credentials");
}

void ignore_notice(void*, const char*) {}

std::string field(const PGresult* result, int code) {
  return result == nullptr ? std::string() : or_empty(libpq().PQresultErrorField(result, code));
}

bool is_connection_lost_state(const std::string& sqlstate) {
  return sqlstate.rfind("08", 0) == 0 || sqlstate == "57P01" || sqlstate == "57P02" ||
         sqlstate == "57P03";
}

// Ends a COPY the server started, so that the connection is usable again.
void abandon_copy(PGconn* conn, ExecStatusType status) {
  const auto& pq = libpq();
  if (status == PGRES_COPY_IN) {
    pq.PQputCopyEnd(conn, "trellis does not stream COPY data");
  } else {
    char* buffer = nullptr;
    while (pq.PQgetCopyData(conn, &buffer, 0) > 0) pq.PQfreemem(buffer);
  }
  while (PGresult* rest = pq.PQgetResult(conn)) pq.PQclear(rest);
}

}  // namespace

void ResultDeleter::operator()(PGresult* result) const { libpq().PQclear(result); }

Connection::Connection(const std::string& conninfo) : target_(mask_url(conninfo)) {
  const char* keywords[] = {"dbname", "fallback_application_name", nullptr};
  const char* values[] = {conninfo.c_str(), "trellis", nullptr};
  const auto& pq = libpq();
  conn_ = pq.PQconnectdbParams(keywords, values, 1);
  if (conn_ == nullptr || pq.PQstatus(conn_) != CONNECTION_OK) {
    PGconn* failed = conn_;
    conn_ = nullptr;
    throw_connect_error(failed, conninfo);
  }
  pq.PQsetNoticeProcessor(conn_, ignore_notice, nullptr);
}

std::string Connection::host() const { return or_empty(libpq().PQhost(conn_)); }
std::string Connection::hostaddr() const { return or_empty(libpq().PQhostaddr(conn_)); }
std::string Connection::port() const { return or_empty(libpq().PQport(conn_)); }
int Connection::server_version() const { return libpq().PQserverVersion(conn_); }

Connection::~Connection() {
  if (conn_ != nullptr) libpq().PQfinish(conn_);
}

Result Connection::check(PGresult* raw) {
  const auto& pq = libpq();
  ++round_trips_;
  Result result(raw);
  ExecStatusType status = raw == nullptr ? PGRES_FATAL_ERROR : pq.PQresultStatus(raw);
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY) {
    return result;
  }
  if (status == PGRES_COPY_IN || status == PGRES_COPY_OUT) {
    abandon_copy(conn_, status);
    throw SqlError("COPY with STDIN or STDOUT needs the client to stream data, which trellis "
                   "does not do; load data with INSERT or COPY from a server-side file",
                   "0A000", false, false);
  }
  std::string sqlstate = field(raw, PG_DIAG_SQLSTATE);
  std::string message = field(raw, PG_DIAG_MESSAGE_PRIMARY);
  if (message.empty()) message = trim(or_empty(pq.PQerrorMessage(conn_)));
  std::string detail = field(raw, PG_DIAG_MESSAGE_DETAIL);
  std::string hint = field(raw, PG_DIAG_MESSAGE_HINT);
  if (!detail.empty()) message += "\nDETAIL: " + detail;
  if (!hint.empty()) message += "\nHINT: " + hint;
  bool lost = pq.PQstatus(conn_) == CONNECTION_BAD || is_connection_lost_state(sqlstate);
  throw SqlError(message, sqlstate, sqlstate == "55P03", lost);
}

Result Connection::exec(const std::string& sql) {
  return check(libpq().PQexec(conn_, sql.c_str()));
}

Result Connection::exec_params(const std::string& sql, const std::vector<Value>& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const Value& value : params) values.push_back(value ? value->c_str() : nullptr);
  return check(libpq().PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr,
                                    values.data(), nullptr, nullptr, 0));
}

Result Connection::exec_binary(const std::string& sql) {
  return check(libpq().PQexecParams(conn_, sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 1));
}

std::string Connection::literal(std::string_view text) const {
  const auto& pq = libpq();
  char* quoted = pq.PQescapeLiteral(conn_, text.data(), text.size());
  if (quoted == nullptr) {
    throw Error(ErrorKind::kInternal,
                "cannot quote a literal: " + or_empty(pq.PQerrorMessage(conn_)));
  }
  std::string out(quoted);
  pq.PQfreemem(quoted);
  return out;
}

std::string Connection::identifier(std::string_view name) const {
  const auto& pq = libpq();
  char* quoted = pq.PQescapeIdentifier(conn_, name.data(), name.size());
  if (quoted == nullptr) {
    throw Error(ErrorKind::kInternal,
                "cannot quote an identifier: " + or_empty(pq.PQerrorMessage(conn_)));
  }
  std::string out(quoted);
  pq.PQfreemem(quoted);
  return out;
}

bool Connection::in_transaction() const {
  PGTransactionStatusType status = libpq().PQtransactionStatus(conn_);
  return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE;
}

bool Connection::lost() const { return libpq().PQstatus(conn_) == CONNECTION_BAD; }

std::string conninfo_with_dbname(const std::string& conninfo, const std::string& dbname) {
  const auto& pq = libpq();
  char* error = nullptr;
  PQconninfoOption* options = pq.PQconninfoParse(conninfo.c_str(), &error);
  if (options == nullptr) {
    std::string why = error != nullptr ? trim(error) : "cannot be parsed";
    if (error != nullptr) pq.PQfreemem(error);
    throw Error(ErrorKind::kConfig, "database URL " + mask_url(conninfo) + ": " + why);
  }
  auto quoted = [](const std::string& value) {
    std::string out = "'";
    for (char c : value) {
      if (c == '\\' || c == '\'') out += '\\';
      out += c;
    }
    return out + "'";
  };
  std::string out = "dbname=" + quoted(dbname);
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    std::string keyword = o->keyword;
    if (o->val == nullptr || keyword == "dbname") continue;
    out += " " + keyword + "=" + quoted(o->val);
  }
  pq.PQconninfoFree(options);
  return out;
}

std::string text_at(const Result& result, int row, int column) {
  const auto& pq = libpq();
  if (pq.PQgetisnull(result.get(), row, column)) return {};
  return pq.PQgetvalue(result.get(), row, column);
}

}  // namespace trellis::pg
