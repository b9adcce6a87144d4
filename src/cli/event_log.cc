// event_log.cc — JSON event lines on stderr (event_log.h).
#include "cli/event_log.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <mutex>
#include <random>

namespace trellis::cli {
namespace {

// "2026-12-02T19:20:01.123Z"
std::string now_utc() {
  auto now = std::chrono::system_clock::now();
  std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

// 16 random hex digits.
std::string random_id() {
  std::random_device device;
  std::mt19937_64 gen((static_cast<std::uint64_t>(device()) << 32) ^ device());
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(gen()));
  return buf;
}

}  // namespace

EventLog& EventLog::get() {
  static EventLog log;
  return log;
}

void EventLog::enable() {
  enabled_ = true;
  const char* given = std::getenv("TRELLIS_RUN_ID");
  run_id_ = given != nullptr && *given != '\0' ? given : random_id();
}

void EventLog::finish(const std::string& command, int exit_code) {
  if (!enabled_ || finished_) return;
  finished_ = true;
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started_);
  nlohmann::ordered_json fields = {{"command", command}, {"exit_code", exit_code}, {"duration_ms", ms.count()}};
  fields.update(finish_fields_);
  emit("run.finished", fields);
}

void EventLog::emit(const std::string& event, const nlohmann::ordered_json& fields) const {
  if (!enabled_) return;
  nlohmann::ordered_json line = {{"ts", now_utc()}, {"event", event}, {"run_id", run_id_}};
  line.update(fields);
  std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  static std::mutex mutex;  // a fleet's workers emit from their threads: whole lines only
  std::lock_guard<std::mutex> lock(mutex);
  std::fflush(stdout);
  std::fwrite(text.data(), 1, text.size(), stderr);
  std::fflush(stderr);
}

}  // namespace trellis::cli
