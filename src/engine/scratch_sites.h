// scratch_sites.h — ReplaySites on a ScratchServer (trellis/scratch.h): each site one
// scratch database, its sections run by replay_section. Creating, forking and dropping
// scratch databases go through the server's own connection, one thread at a time; the
// sites' own work runs in parallel.
#pragma once

#include <memory>
#include <mutex>

#include "engine/replay_site.h"
#include "trellis/scratch.h"

namespace trellis {

class ScratchSites : public ReplaySites {
 public:
  ScratchSites(ScratchServer& server, const Graph& graph) : server_(server), graph_(graph) {}
  std::unique_ptr<ReplaySite> create() override;

 private:
  friend class ScratchSite;
  ScratchServer& server_;
  const Graph& graph_;
  std::mutex admin_;  // the server's create, fork and drop
};

class ScratchSite : public ReplaySite {
 public:
  ScratchSite(ScratchSites& owner, std::unique_ptr<ScratchDatabase> db) : owner_(owner), db_(std::move(db)) {}
  ~ScratchSite() override;
  std::optional<ReplayFailure> run(Node n, ReplayDirection direction) override;
  SchemaModel read_model() override;
  std::unique_ptr<ReplaySite> fork() override;

 private:
  ScratchSites& owner_;
  std::unique_ptr<ScratchDatabase> db_;
};

}  // namespace trellis
