// backfill_throttle.cc — a backfill is gentle with replicas: between batches it waits
// while a streaming replica lags more than `max_replica_lag` behind (issue 14 §2).
//
// A replica's lag is the larger of what the primary measured (pg_stat_replication's
// replay_lag, which is only known once the replica has replayed something it was sent)
// and the age of the oldest of this backfill's batches the replica has not replayed yet
// (known at once, from its replay_lsn). SQLite has no replicas: nothing waits.
//
// Before that, with `max_active_queries`, it waits while more than that many queries of
// other sessions are active on the database: the primary's own load (pg_stat_activity).
#include <algorithm>
#include <cinttypes>
#include <cstdio>

#include "engine/backfill_runner.h"
#include "trellis/driver.h"

namespace trellis {
namespace {

constexpr Millis kPoll{250};

std::optional<std::uint64_t> lsn_of(const std::string& text) {
  unsigned int hi = 0, lo = 0;
  if (std::sscanf(text.c_str(), "%X/%X", &hi, &lo) != 2) return std::nullopt;
  return (static_cast<std::uint64_t>(hi) << 32) | lo;
}

std::string seconds(double s) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f s", s);
  return text;
}

}  // namespace

double BackfillRunner::replica_lag(const ReplicaPosition& replica, std::chrono::steady_clock::time_point now) const {
  double lag = replica.lag_seconds.value_or(0.0);
  if (!replica.replay_lsn) return lag;
  for (const auto& [lsn, at] : written_) {
    if (lsn <= *replica.replay_lsn) continue;
    return std::max(lag, std::chrono::duration<double>(now - at).count());  // the oldest it lacks
  }
  return lag;
}

void BackfillRunner::throttle_load(const Migration& m) {
  const int max = env_.settings.max_active_queries;
  if (max <= 0) return;
  auto started = clock_.now();
  bool noted = false;
  for (;;) {
    std::optional<int> active = driver_.catalog().active_queries();
    if (active && *active < 0 && !load_unknown_noted_) {
      observer_.on_note(m, "max_active_queries " + std::to_string(max) +
                               " is set, but this database role cannot see other roles' queries (grant it "
                               "pg_read_all_stats or pg_monitor): the backfill does not wait for the load");
      load_unknown_noted_ = true;
    }
    if (!active || *active < 0 || *active <= max) break;
    if (!noted) {
      observer_.on_note(m, "throttled: " + std::to_string(*active) + " active queries on the database (max_active_queries " +
                               std::to_string(max) + "); waiting for the load to drop");
      noted = true;
    }
    clock_.sleep(kPoll);
  }
  if (noted) {
    auto waited = std::chrono::duration_cast<Millis>(clock_.now() - started);
    observer_.on_note(m, "load dropped after " + format_duration(waited) + "; resuming");
  }
}

void BackfillRunner::throttle(const Migration& m) {
  throttle_load(m);
  const Millis max = env_.settings.max_replica_lag;
  if (max <= Millis{0}) return;
  Catalog& catalog = driver_.catalog();
  const std::string position = catalog.wal_position();  // just after the last batch's commit
  auto lsn = lsn_of(position);
  if (!lsn) return;  // no replication here
  written_.emplace_back(*lsn, clock_.now());
  auto started = clock_.now();
  bool noted = false;
  for (;;) {
    auto now = clock_.now();
    auto replicas = catalog.replicas(position);
    std::uint64_t replayed_by_all = UINT64_MAX;
    const ReplicaPosition* worst = nullptr;
    double worst_lag = 0;
    for (const auto& r : replicas) {
      replayed_by_all = std::min(replayed_by_all, r.replay_lsn.value_or(0));
      double lag = replica_lag(r, now);
      bool behind = r.bytes_behind && *r.bytes_behind > 0;
      if (behind && lag * 1000.0 > static_cast<double>(max.count()) && lag > worst_lag) {
        worst = &r;
        worst_lag = lag;
      }
    }
    std::erase_if(written_, [&](const auto& w) { return w.first <= replayed_by_all; });
    if (worst == nullptr) break;
    if (!noted) {
      observer_.on_note(m, "throttled: replica lag " + seconds(worst_lag) + " on " + worst->name +
                               " (max_replica_lag " + format_duration(max) + "); waiting for it to catch up");
      noted = true;
    }
    clock_.sleep(kPoll);
  }
  if (noted) {
    auto waited = std::chrono::duration_cast<Millis>(clock_.now() - started);
    observer_.on_note(m, "replicas caught up after " + format_duration(waited) + "; resuming");
  }
}

}  // namespace trellis
