// postgres_driver.cc — the PostgreSQL backend: its seams (pg_backend.h) composed.
//
// State lives in <state_schema>.migrations and <state_schema>.history; the runner lock is a
// session-level advisory lock keyed on the schema name, or a lease through a pooler. Per
// transactional migration the backend costs 2 round trips besides the statements
// themselves: begin (BEGIN + SET LOCAL timeouts), and record + commit (upsert, history
// insert and COMMIT in one message).
#include "db/postgres_driver.h"

#include "db/drivers.h"
#include "db/pg_backend.h"

namespace trellis {
namespace {

class PostgresDriver final : public Driver {
 public:
  PostgresDriver(const std::string& conninfo, OpenMode mode, const DriverOptions& options)
      : shared_(conninfo, mode, options), session_(shared_), store_(shared_), lock_(shared_), dialect_(shared_) {
    attach(session_, store_, lock_, dialect_, dialect_);
  }

  std::int64_t round_trips() const { return shared_.connection.round_trips(); }

 private:
  pg::Shared shared_;
  pg::Session session_;
  pg::Store store_;
  pg::ServerLock lock_;
  pg::PgDialect dialect_;
};

}  // namespace

std::unique_ptr<Driver> make_postgres_driver(const std::string& conninfo, OpenMode mode,
                                             const DriverOptions& options) {
  return std::make_unique<PostgresDriver>(conninfo, mode, options);
}

std::unique_ptr<Driver> make_postgres_driver(const std::string& conninfo, OpenMode mode,
                                             const std::string& state_schema) {
  DriverOptions options;
  options.state_schema = state_schema;
  return make_postgres_driver(conninfo, mode, options);
}

std::int64_t postgres_round_trips(const Driver& driver) {
  const auto* postgres = dynamic_cast<const PostgresDriver*>(&driver);
  return postgres == nullptr ? -1 : postgres->round_trips();
}

}  // namespace trellis
