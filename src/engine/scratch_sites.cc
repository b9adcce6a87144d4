#include "engine/scratch_sites.h"

namespace trellis {

std::unique_ptr<ReplaySite> ScratchSites::create() {
  std::unique_ptr<ScratchDatabase> db;
  {
    std::lock_guard<std::mutex> lock(admin_);
    db = server_.create();
  }
  return std::make_unique<ScratchSite>(*this, std::move(db));
}

ScratchSite::~ScratchSite() {
  std::lock_guard<std::mutex> lock(owner_.admin_);
  db_.reset();
}

std::optional<ReplayFailure> ScratchSite::run(Node n, ReplayDirection direction) {
  return replay_section(db_->driver(), owner_.graph_.at(n), direction);
}

SchemaModel ScratchSite::read_model() { return db_->driver().catalog().read_schema(); }

std::unique_ptr<ReplaySite> ScratchSite::fork() {
  std::unique_ptr<ScratchDatabase> copy;
  {
    std::lock_guard<std::mutex> lock(owner_.admin_);
    copy = db_->fork();
  }
  if (copy == nullptr) return nullptr;
  return std::make_unique<ScratchSite>(owner_, std::move(copy));
}

}  // namespace trellis
