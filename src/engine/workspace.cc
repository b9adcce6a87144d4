#include "trellis/workspace.h"

namespace trellis {

Workspace::Workspace(const std::string& root, const EnvSelection& selection)
    : project_(load_project(root)), env_(select_environment(project_.config, selection)),
      graph_(std::make_unique<Graph>(project_.migrations)) {}

std::unique_ptr<Driver> Workspace::connect(OpenMode mode) const {
  return open_driver(env_.database, mode, project_.config.state_schema);
}

}  // namespace trellis
