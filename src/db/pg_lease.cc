// pg_lease.cc — taking, renewing, fencing and releasing the runner lease (pg_lease.h).
#include "db/pg_lease.h"

#include <unistd.h>

#include <chrono>
#include <random>

#include "db/advisory_lock.h"
#include "db/libpq_api.h"
#include "trellis/error.h"
#include "util/clock.h"

namespace trellis::pg {
namespace {

std::string random_token() {
  std::random_device device;
  std::string token;
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = 0; i < 32; ++i) token += kHex[device() % 16];
  return token;
}

std::string interval(Millis ttl) { return "'" + std::to_string(ttl.count()) + " milliseconds'"; }

constexpr Millis kReportEvery{5000};

}  // namespace

Lease::Lease(std::string conninfo, Connection& main, std::string quoted_schema, Millis ttl)
    : conninfo_(std::move(conninfo)), main_(main), schema_(std::move(quoted_schema)), ttl_(ttl) {}

Lease::~Lease() { release(); }

std::string Lease::ddl(const std::string& s) {
  return "CREATE TABLE IF NOT EXISTS " + s + ".runner_lease (\n"
         "  name text PRIMARY KEY,\n"
         "  token text NOT NULL,\n"
         "  owner text NOT NULL,\n"
         "  acquired_at timestamptz NOT NULL,\n"
         "  renewed_at timestamptz NOT NULL,\n"
         "  expires_at timestamptz NOT NULL);";
}

// In a transaction of its own with a short lock_timeout: a holder's fenced write locks the
// row for a moment, and a take must never wait behind a stalled holder past --lock-wait.
bool Lease::try_take() {
  std::string token = random_token();
  main_.exec("BEGIN ISOLATION LEVEL READ COMMITTED; SET LOCAL lock_timeout = '500ms'");
  Result r;
  try {
    r = main_.exec_params(
      "WITH previous AS (SELECT owner, expires_at FROM " + schema_ + ".runner_lease "
      "                  WHERE name = 'runner') "
      "INSERT INTO " + schema_ + ".runner_lease AS l (name, token, owner, acquired_at, "
      "  renewed_at, expires_at) "
      "VALUES ('runner', $1, $2, clock_timestamp(), clock_timestamp(), clock_timestamp() + " +
          interval(ttl_) + ") "
      "ON CONFLICT (name) DO UPDATE SET token = EXCLUDED.token, owner = EXCLUDED.owner, "
      "  acquired_at = EXCLUDED.acquired_at, renewed_at = EXCLUDED.renewed_at, "
      "  expires_at = EXCLUDED.expires_at WHERE l.expires_at < clock_timestamp() "
      "RETURNING (SELECT owner || ' (expired ' || to_char(expires_at AT TIME ZONE 'UTC', "
      "  'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') || ')' FROM previous)",
      {token, owner_});
    main_.exec("COMMIT");
  } catch (const SqlError& e) {
    if (!main_.lost()) main_.exec("ROLLBACK");
    if (e.lock_timeout()) return false;
    throw;
  }
  if (libpq().PQntuples(r.get()) == 0) return false;
  token_ = token;
  took_over_ = text_at(r, 0, 0);
  return true;
}

std::string Lease::holder() {
  Result r = main_.exec(
      "SELECT owner || ', since ' || to_char(acquired_at AT TIME ZONE 'UTC', "
      "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') || ', lease expires in ' || "
      "greatest(0, round(extract(epoch FROM expires_at - clock_timestamp()), 1)) || ' s "
      "unless renewed' FROM " + schema_ + ".runner_lease WHERE name = 'runner'");
  return libpq().PQntuples(r.get()) == 0 ? "nobody (released just now)" : text_at(r, 0, 0);
}

bool Lease::taken() {
  if (held()) return true;
  Result exists = main_.exec_params("SELECT to_regclass($1) IS NOT NULL", {schema_ + ".runner_lease"});
  if (text_at(exists, 0, 0) != "t") return false;
  Result r = main_.exec("SELECT EXISTS (SELECT 1 FROM " + schema_ +
                        ".runner_lease WHERE name = 'runner' AND expires_at > clock_timestamp())");
  return text_at(r, 0, 0) == "t";
}

void Lease::acquire(Millis wait, const LockWaitReport& on_wait, const std::string& what) {
  using Clock = std::chrono::steady_clock;
  if (owner_.empty()) owner_ = run_identity() + " pid " + std::to_string(::getpid());
  Result exists = main_.exec_params("SELECT to_regclass($1) IS NOT NULL", {schema_ + ".runner_lease"});
  if (text_at(exists, 0, 0) != "t") {
    if (wait.count() == 0) throw Error(ErrorKind::kLock, "the lease table does not exist yet");
    main_.exec("BEGIN; SELECT pg_advisory_xact_lock(" +
               std::to_string(advisory_key("trellis ensure_state " + schema_)) +
               "); CREATE SCHEMA IF NOT EXISTS " + schema_ + "; " + ddl(schema_) + " COMMIT;");
  }
  const auto start = Clock::now();
  auto next_report = start;
  Millis poll{50};
  while (!try_take()) {
    auto waited = std::chrono::duration_cast<Millis>(Clock::now() - start);
    if (waited >= wait) {
      throw Error(ErrorKind::kLock,
                  "could not get " + what + " on " + main_.target() + " within " +
                      format_duration(wait) + ": held by " + holder(),
                  "another trellis run is working on this database; wait for it to finish or "
                  "raise --lock-wait (a runner that died loses the lease when it expires)");
    }
    if (on_wait && Clock::now() >= next_report) {
      on_wait(holder(), waited);
      next_report = Clock::now() + kReportEvery;
    }
    std::this_thread::sleep_for(std::min(poll, wait - waited));
    poll = std::min(poll * 2, Millis{500});
  }
  start_heartbeat();
}

std::string Lease::fence_sql() const {
  if (token_.empty()) return "";
  return "DO $trellis_fence$ BEGIN PERFORM 1 FROM " + schema_ + ".runner_lease WHERE name = "
         "'runner' AND token = '" + token_ + "' AND expires_at > clock_timestamp() FOR SHARE; "
         "IF NOT FOUND THEN RAISE EXCEPTION USING ERRCODE = '" + kLostState + "', MESSAGE = "
         "'this runner''s lease on the runner lock expired or was taken over'; END IF; END "
         "$trellis_fence$;\n";
}

void Lease::release() {
  if (token_.empty()) return;
  stop_heartbeat();
  try {
    if (!main_.lost()) {
      main_.exec_params("DELETE FROM " + schema_ + ".runner_lease WHERE name = 'runner' AND token = $1",
                        {token_});
    }
  } catch (const Error&) {
    // The lease then expires on its own.
  }
  token_.clear();
}

void Lease::start_heartbeat() {
  stop_ = false;
  thread_ = std::thread([this] { heartbeat(); });
}

void Lease::stop_heartbeat() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

// Renews every ttl/3 on a connection of its own (opened on the first renewal, so a short
// run never opens it). A failed renewal is tried again at the next tick; a lease that was
// taken over stops it: the fence then refuses this runner's writes.
void Lease::heartbeat() {
  std::unique_ptr<Connection> connection;
  const std::string token = token_;
  std::unique_lock<std::mutex> lock(mutex_);
  while (!wake_.wait_for(lock, ttl_ / 3, [this] { return stop_; })) {
    lock.unlock();
    bool lost = false;
    try {
      if (!connection) {
        connection = std::make_unique<Connection>(conninfo_);
        connection->exec("SET statement_timeout = '" + std::to_string((ttl_ / 3).count()) + "ms'");
      }
      Result r = connection->exec_params(
          "UPDATE " + schema_ + ".runner_lease SET renewed_at = clock_timestamp(), expires_at = "
          "clock_timestamp() + " + interval(ttl_) + " WHERE name = 'runner' AND token = $1 "
          "AND expires_at > clock_timestamp() "
          "RETURNING 1", {token});
      lost = libpq().PQntuples(r.get()) == 0;
    } catch (const Error&) {
      connection.reset();
    }
    lock.lock();
    if (lost) return;
  }
}

}  // namespace trellis::pg
