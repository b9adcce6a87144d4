// live_line.h — on a terminal, one line at the bottom that names the running migration
// and its elapsed time, redrawn by a small ticker thread; nothing at all in pipes and
// logs.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace trellis::cli {

class LiveLine {
 public:
  LiveLine();  // live only when stdout is a terminal
  ~LiveLine();
  LiveLine(const LiveLine&) = delete;
  LiveLine& operator=(const LiveLine&) = delete;

  // From now on (first drawn one tick later): "  running  ID  1.2 s".
  void start(const std::string& id);
  // Changes the text but not the time since start() (which it calls when nothing runs).
  void update(const std::string& id);
  // Erases the line; nothing is drawn until the next start().
  void stop();

  // While one is held, the line is erased and not redrawn, so the holder can print whole
  // lines; it is drawn again when the hold ends.
  class Hold {
   public:
    explicit Hold(LiveLine& line);
    ~Hold();
    Hold(const Hold&) = delete;
    Hold& operator=(const Hold&) = delete;

   private:
    LiveLine& line_;
    std::unique_lock<std::mutex> lock_;
  };

 private:
  void tick();
  void draw();   // with mu_ held
  void erase();  // with mu_ held

  bool live_;
  std::chrono::milliseconds interval_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::thread ticker_;
  bool quit_ = false;
  std::string id_;  // empty: nothing running
  std::chrono::steady_clock::time_point since_;
  std::size_t drawn_ = 0;  // width of what is on the screen now
};

}  // namespace trellis::cli
