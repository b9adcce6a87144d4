// backfill_progress.h — progress of a running backfill: on a terminal a live bar redrawn
// in place (carriage return) with rows/s and ETA; in logs and pipes one line every
// interval (TRELLIS_PROGRESS_INTERVAL, default 10s), and one when it finishes.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

#include "trellis/backfill.h"

namespace trellis::cli {

class BackfillProgressView {
 public:
  BackfillProgressView();
  void update(const std::string& id, const BackfillProgress& p);
  // Ends a live line (before anything else is printed).
  void close();

 private:
  bool live_;
  bool open_ = false;
  std::chrono::milliseconds interval_;
  std::chrono::steady_clock::time_point last_;
};

// "1,234,567"
std::string with_commas(std::int64_t n);
// "1:05:03", "4:12", "0:07"; "?" when unknown.
std::string format_eta(std::optional<double> seconds);
// "  core/0002_fill  12,000 rows  40 batches  3,100 rows/s  ~88,000 left  ETA 0:28",
// fitted to `width` columns when it is not 0: the bar goes first, then the batches, the
// rate and the rows left; then the id is shortened ("...").
std::string progress_text(const std::string& id, const BackfillProgress& p, std::size_t width = 0);

}  // namespace trellis::cli
