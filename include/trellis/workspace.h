// trellis/workspace.h — a loaded project, its selected environment and its graph: what
// every command starts from.
#pragma once

#include <memory>
#include <string>

#include "trellis/driver.h"
#include "trellis/graph.h"
#include "trellis/project.h"

namespace trellis {

class Workspace {
 public:
  // Loads trellis.toml and every migration in `root`, selects the environment and builds
  // the graph. Throws Error(kConfig / kParse / kGraph).
  Workspace(const std::string& root, const EnvSelection& selection);

  const Project& project() const { return project_; }
  const Environment& env() const { return env_; }
  const Graph& graph() const { return *graph_; }

  // Opens the environment's database. Read-only opens never create anything.
  std::unique_ptr<Driver> connect(OpenMode mode) const;

 private:
  Project project_;
  Environment env_;
  std::unique_ptr<Graph> graph_;
};

}  // namespace trellis
