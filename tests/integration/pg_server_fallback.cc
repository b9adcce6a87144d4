// Weak stand-ins for pg_server.cc while it is not on this branch: PgServer::get() answers
// nullptr, so PostgreSQL tests skip (or fail with TRELLIS_REQUIRE_POSTGRES=1). The real
// definitions in pg_server.cc, once merged, replace these at link time; then this file
// can be deleted.
#include <cstdlib>
#include <stdexcept>

#include "pg_server.h"

namespace trellis_test {

__attribute__((weak)) PgServer* PgServer::get() { return nullptr; }
__attribute__((weak)) const std::string& PgServer::reason() {
  static const std::string r = "tests/integration/pg_server.cc is not built on this branch";
  return r;
}
__attribute__((weak)) std::string PgServer::create_database() { throw std::logic_error("no PostgreSQL server"); }
__attribute__((weak)) std::vector<std::string> PgServer::query(const std::string&, const std::string&) {
  throw std::logic_error("no PostgreSQL server");
}
__attribute__((weak)) const std::string& PgServer::socket_dir() const { return reason(); }
__attribute__((weak)) int PgServer::port() const { return 0; }
__attribute__((weak)) const std::string& PgServer::user() const { return reason(); }
__attribute__((weak)) bool postgres_required() {
  const char* v = std::getenv("TRELLIS_REQUIRE_POSTGRES");
  return v != nullptr && std::string(v) == "1";
}

}  // namespace trellis_test
