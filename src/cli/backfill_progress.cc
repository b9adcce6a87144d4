#include "cli/backfill_progress.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "trellis/duration.h"

namespace trellis::cli {
namespace {

std::chrono::milliseconds interval_from_env() {
  const char* v = std::getenv("TRELLIS_PROGRESS_INTERVAL");
  if (v != nullptr) {
    if (auto d = parse_duration(v)) return *d;
  }
  return std::chrono::seconds(10);
}

// Read at every redraw, so a resized terminal (SIGWINCH) is fitted from the next batch on.
std::size_t terminal_columns() {
  winsize ws{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) != 0) return 0;
  return ws.ws_col;
}

std::string bar(const BackfillProgress& p) {
  if (!p.rows_remaining) return "";
  double total = static_cast<double>(p.rows_done + *p.rows_remaining);
  double share = total <= 0 ? 1.0 : static_cast<double>(p.rows_done) / total;
  if (p.finished) share = 1.0;
  constexpr int kWidth = 24;
  int filled = static_cast<int>(share * kWidth);
  std::string b = "[" + std::string(static_cast<std::size_t>(filled), '#') +
                  std::string(static_cast<std::size_t>(kWidth - filled), '.') + "] ";
  char pct[16];
  std::snprintf(pct, sizeof pct, "%3d%% ", static_cast<int>(share * 100));
  return b + pct;
}

}  // namespace

std::string with_commas(std::int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

std::string format_eta(std::optional<double> seconds) {
  if (!seconds) return "?";
  auto s = static_cast<long long>(*seconds + 0.5);
  char buf[32];
  if (s >= 3600) std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
  else std::snprintf(buf, sizeof buf, "%lld:%02lld", s / 60, s % 60);
  return buf;
}

namespace {

// A field of the progress line; `drop` orders which go first when the terminal is too
// narrow (0: kept).
struct Field {
  std::string text;
  int drop = 0;
};

std::vector<Field> progress_fields(const std::string& id, const BackfillProgress& p) {
  std::vector<Field> f{{id, 0}};
  if (std::string b = bar(p); !b.empty()) f.push_back({b.substr(0, b.size() - 1), 1});  // without its trailing space
  f.push_back({with_commas(p.rows_done) + " rows", 0});
  f.push_back({with_commas(p.batches) + (p.batches == 1 ? " batch" : " batches"), 2});
  f.push_back({with_commas(static_cast<std::int64_t>(p.rows_per_second)) + " rows/s", 3});
  if (p.finished) {
    f.push_back({"done", 0});
  } else if (p.rows_remaining) {
    std::optional<double> eta;
    if (p.rows_per_second > 0) eta = static_cast<double>(*p.rows_remaining) / p.rows_per_second;
    f.push_back({"~" + with_commas(*p.rows_remaining) + " left", 4});
    f.push_back({"ETA " + format_eta(eta), 0});
  }
  return f;
}

// Two spaces between fields, one after the bar's percentage ("40% 200 rows").
std::string joined(const std::vector<Field>& fields) {
  std::string t = " ";
  for (std::size_t i = 0; i < fields.size(); ++i) t += (i > 0 && fields[i - 1].drop == 1 ? " " : "  ") + fields[i].text;
  return t;
}

}  // namespace

std::string progress_text(const std::string& id, const BackfillProgress& p, std::size_t width) {
  std::vector<Field> fields = progress_fields(id, p);
  if (width == 0) return joined(fields);
  const std::size_t fit = width - 1;  // the cursor's column stays free: no wrap
  for (int drop = 1; drop <= 4 && joined(fields).size() > fit; ++drop) {
    std::erase_if(fields, [drop](const Field& f) { return f.drop == drop; });
  }
  std::string line = joined(fields);
  if (line.size() <= fit) return line;
  std::size_t over = line.size() - fit;
  std::string& name = fields.front().text;
  if (name.size() > over + 3) name = name.substr(0, name.size() - over - 3) + "...";
  line = joined(fields);
  return line.size() <= fit ? line : line.substr(0, fit);
}

BackfillProgressView::BackfillProgressView()
    : live_(::isatty(STDOUT_FILENO) != 0), interval_(interval_from_env()), last_(std::chrono::steady_clock::now()) {}

void BackfillProgressView::update(const std::string& id, const BackfillProgress& p) {
  if (live_) {
    std::printf("\r%s\033[K", progress_text(id, p, terminal_columns()).c_str());
    open_ = true;
    if (p.finished) close();
    std::fflush(stdout);
    return;
  }
  auto now = std::chrono::steady_clock::now();
  if (!p.finished && now - last_ < interval_) return;
  last_ = now;
  std::printf("%s\n", progress_text(id, p).c_str());
  std::fflush(stdout);
}

void BackfillProgressView::close() {
  if (!open_) return;
  std::printf("\n");
  std::fflush(stdout);
  open_ = false;
}

}  // namespace trellis::cli
