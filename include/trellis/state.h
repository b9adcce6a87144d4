// trellis/state.h — what the database knows about migrations (README.md, "State in the database").
//
// `trellis_migrations` holds one row per migration that was applied, failed, or started
// without finishing (non-transactional). `trellis_history` is an append-only log of every
// action (apply, fail, rollback, stamp, accept). The position of a database is the set of
// applied ids; features never share a "current revision".
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace trellis {

enum class RecordStatus {
  kApplied,   // up section committed
  kFailed,    // last attempt failed and was rolled back (or stopped, if non-transactional)
  kRunning    // non-transactional migration started and not (yet) finished
};
const char* record_status_name(RecordStatus s);  // "applied", "failed", "running"
bool parse_record_status(const std::string& text, RecordStatus* out);

// A timestamp of offline SQL (`apply --sql`): the database's clock when the script runs,
// not when it was written (rendered as now() / strftime(…, 'now')).
inline constexpr const char* kServerNow = "<server now>";

struct StateRow {
  std::string id;
  std::string feature;
  std::string checksum;
  std::string phase;          // "expand" | "backfill" | "contract"
  RecordStatus status = RecordStatus::kApplied;
  std::string started_at;     // ISO-8601 UTC, e.g. 2026-11-20T22:10:54.123Z
  std::string finished_at;    // empty while running
  std::int64_t duration_ms = 0;
  std::string error;          // failure text (database message, statement number, file line)
  std::string applied_by;     // OS user @ host
  std::string tool_version;
  int statements_done = 0;    // progress of a non-transactional migration
};

struct HistoryEvent {
  std::int64_t seq = 0;       // assigned by the database
  std::string id;
  std::string action;         // "apply" | "fail" | "rollback" | "stamp" | "accept" | "start"
  std::string checksum;
  std::string at;             // ISO-8601 UTC
  std::int64_t duration_ms = 0;
  std::string error;
  std::string by;
  std::string tool_version;
};

}  // namespace trellis
