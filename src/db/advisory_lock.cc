// advisory_lock.cc — acquiring, releasing and explaining the runner lock.
#include "db/advisory_lock.h"

#include <chrono>
#include <thread>
#include <optional>
#include <string>
#include <vector>

#include "db/libpq_api.h"
#include "trellis/error.h"

namespace trellis::pg {
namespace {

constexpr Millis kFirstPoll{20};
constexpr Millis kMaxPoll{250};

bool try_lock(Connection& connection, std::int64_t key) {
  Result result = connection.exec_params("SELECT pg_try_advisory_lock($1::bigint)",
                                         {std::to_string(key)});
  return text_at(result, 0, 0) == "t";
}

}  // namespace

std::int64_t advisory_key(std::string_view name) {
  std::uint64_t hash = 14695981039346656037ULL;
  for (char c : name) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  return static_cast<std::int64_t>(hash);
}

void acquire_advisory_lock(Connection& connection, std::int64_t key, Millis wait,
                           const std::string& what, const LockWaitReport& on_wait) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  const auto deadline = start + wait;
  auto next_report = start;
  Millis poll = kFirstPoll;
  while (!try_lock(connection, key)) {
    auto left = std::chrono::duration_cast<Millis>(deadline - Clock::now());
    if (on_wait && left > Millis(0) && Clock::now() >= next_report) {
      on_wait(describe_lock_holder(connection, key),
              std::chrono::duration_cast<Millis>(Clock::now() - start));
      next_report = Clock::now() + Millis{5000};
    }
    if (left <= Millis(0)) {
      throw Error(ErrorKind::kLock,
                  "could not get " + what + " on " + connection.target() + " within " +
                      format_duration(wait) + ": held by " +
                      describe_lock_holder(connection, key),
                  "another trellis run is working on this database; wait for it to finish "
                  "or raise --lock-wait (if that session is stuck, end it with "
                  "pg_terminate_backend)");
    }
    std::this_thread::sleep_for(std::min(poll, left));
    poll = std::min(poll * 2, kMaxPoll);
  }
}

void release_advisory_lock(Connection& connection, std::int64_t key) {
  connection.exec_params("SELECT pg_advisory_unlock($1::bigint)", {std::to_string(key)});
}

namespace {

// The granted advisory lock $1/$2 of this database in pg_locks (as l).
constexpr const char* kGranted =
    "l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 "
    "  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
    "  AND l.classid = $1::bigint::oid AND l.objid = $2::bigint::oid";

std::vector<std::optional<std::string>> key_halves(std::int64_t key) {
  auto bits = static_cast<std::uint64_t>(key);
  return {std::to_string(bits >> 32), std::to_string(bits & 0xFFFFFFFFULL)};
}

}  // namespace

bool advisory_lock_granted(Connection& connection, std::int64_t key) {
  Result result = connection.exec_params(std::string("SELECT EXISTS (SELECT 1 FROM pg_locks l WHERE ") + kGranted + ")",
                                         key_halves(key));
  return text_at(result, 0, 0) == "t";
}

std::string describe_lock_holder(Connection& connection, std::int64_t key) {
  Result result = connection.exec_params(
      std::string("SELECT a.pid, a.usename, a.application_name, "
                  "       coalesce(host(a.client_addr), 'local socket'), "
                  "       to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
                  "       a.state "
                  "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE ") + kGranted,
      key_halves(key));
  if (libpq().PQntuples(result.get()) == 0) return "a session that is not visible to this user";
  return "pid " + text_at(result, 0, 0) + ", user " + text_at(result, 0, 1) +
         ", application '" + text_at(result, 0, 2) + "', client " + text_at(result, 0, 3) +
         ", connected since " + text_at(result, 0, 4) + ", now " + text_at(result, 0, 5);
}

}  // namespace trellis::pg
