#include "cli/live_line.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>

namespace trellis::cli {

namespace {

// The terminal's width, 0 when unknown.
std::size_t columns() {
  winsize ws{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) != 0) return 0;
  return ws.ws_col;
}

}  // namespace

LiveLine::LiveLine() : live_(::isatty(STDOUT_FILENO) != 0), interval_(250) {}

LiveLine::~LiveLine() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    quit_ = true;
    erase();
  }
  wake_.notify_all();
  if (ticker_.joinable()) ticker_.join();
}

void LiveLine::start(const std::string& id) {
  if (!live_) return;
  std::lock_guard<std::mutex> lock(mu_);
  erase();
  id_ = id;
  since_ = std::chrono::steady_clock::now();
  if (!ticker_.joinable()) ticker_ = std::thread([this] { tick(); });
}

void LiveLine::update(const std::string& id) {
  if (!live_) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!id_.empty()) {
      id_ = id;
      if (drawn_ > 0) draw();
      return;
    }
  }
  start(id);
}

void LiveLine::stop() {
  if (!live_) return;
  std::lock_guard<std::mutex> lock(mu_);
  erase();
  id_.clear();
}

LiveLine::Hold::Hold(LiveLine& line) : line_(line), lock_(line.mu_) { line_.erase(); }

LiveLine::Hold::~Hold() {
  if (!line_.live_ || line_.id_.empty()) return;
  // Drawn again at once only if it was on the screen before; else at the next tick.
  if (std::chrono::steady_clock::now() - line_.since_ >= line_.interval_) line_.draw();
}

void LiveLine::tick() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!quit_) {
    wake_.wait_for(lock, interval_);
    if (quit_) break;
    if (!id_.empty() && std::chrono::steady_clock::now() - since_ >= interval_) draw();
  }
}

void LiveLine::draw() {
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - since_).count();
  char elapsed[32];
  std::snprintf(elapsed, sizeof elapsed, "%.1f s", seconds);
  std::string text = "  running  " + id_ + "  " + elapsed;
  std::size_t cols = columns();
  if (cols > 1 && text.size() >= cols) text.resize(cols - 1);  // a wrapped line could not be redrawn
  // Blanks instead of an erase-line escape: the line also stays free of escape codes.
  std::size_t width = text.size();
  if (width < drawn_) text += std::string(drawn_ - width, ' ');
  std::fputc('\r', stdout);
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
  drawn_ = width;
}

void LiveLine::erase() {
  if (drawn_ == 0) return;
  std::string blank = "\r" + std::string(drawn_, ' ') + "\r";
  std::fwrite(blank.data(), 1, blank.size(), stdout);
  std::fflush(stdout);
  drawn_ = 0;
}

}  // namespace trellis::cli
