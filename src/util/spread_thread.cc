#include "util/spread_thread.h"

#include <sched.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <string>

#include "trellis/error.h"

namespace trellis {

struct SpreadThread::Start {
  std::function<void()> body;
  cpu_set_t all{};
  bool widen = false;
};

void* SpreadThread::run(void* arg) {
  std::unique_ptr<Start> start(static_cast<Start*>(arg));
  if (start->widen) ::pthread_setaffinity_np(::pthread_self(), sizeof(start->all), &start->all);
  start->body();
  return nullptr;
}

SpreadThread::SpreadThread(std::function<void()> body) {
  auto start = std::make_unique<Start>();
  start->body = std::move(body);
  cpu_set_t elsewhere{};
  if (::sched_getaffinity(0, sizeof(start->all), &start->all) == 0) {
    elsewhere = start->all;
    int here = ::sched_getcpu();
    if (here >= 0 && here < CPU_SETSIZE) CPU_CLR(here, &elsewhere);
    start->widen = CPU_COUNT(&elsewhere) > 0;
  }
  pthread_attr_t attr;
  ::pthread_attr_init(&attr);
  if (start->widen) ::pthread_attr_setaffinity_np(&attr, sizeof(elsewhere), &elsewhere);
  int err = ::pthread_create(&thread_, &attr, run, start.get());
  ::pthread_attr_destroy(&attr);
  if (err == EINVAL && start->widen) {  // the affinity was refused (CPUs gone offline...): start anywhere
    start->widen = false;
    err = ::pthread_create(&thread_, nullptr, run, start.get());
  }
  if (err != 0) throw Error(ErrorKind::kInternal, std::string("cannot start a thread: ") + std::strerror(err));
  start.release();  // owned by the thread now
  joinable_ = true;
}

SpreadThread::~SpreadThread() { join(); }

void SpreadThread::join() {
  if (!joinable_) return;
  ::pthread_join(thread_, nullptr);
  joinable_ = false;
}

}  // namespace trellis
