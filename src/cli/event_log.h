// event_log.h — `--log-format json`: one JSON object per event on stderr, one line each,
// flushed at once, for a deploy job's log shipper (docs/json.md, "Events"). Every event
// has "ts" (UTC, milliseconds), "event" and "run_id" (one per process: $TRELLIS_RUN_ID,
// else random). With it, what would be text on stderr becomes events too ("error",
// "message"), so that stderr holds nothing but JSON lines.
#pragma once

#include <chrono>
#include <string>

#include <nlohmann/json.hpp>

namespace trellis::cli {

class EventLog {
 public:
  static EventLog& get();
  void enable();
  bool enabled() const { return enabled_; }
  const std::string& run_id() const { return run_id_; }
  // Writes {"ts", "event", "run_id", ...fields} as one line; nothing when not enabled.
  void emit(const std::string& event, const nlohmann::ordered_json& fields = nlohmann::ordered_json::object()) const;
  // Fields the closing "run.finished" event carries besides command, exit_code and
  // duration_ms (apply's counts).
  void add_to_finish(const nlohmann::ordered_json& fields) { finish_fields_.update(fields); }
  // "run.finished", once (main's return and exit_now both call it).
  void finish(const std::string& command, int exit_code);

 private:
  EventLog() = default;
  bool enabled_ = false;
  bool finished_ = false;
  std::string run_id_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  nlohmann::ordered_json finish_fields_ = nlohmann::ordered_json::object();
};

}  // namespace trellis::cli
