// git_history.cc — `git log` of one file and `git show COMMIT:./PATH`, run in the project root.
#include "project/git_history.h"

#include <sstream>

#include "util/sha256.h"
#include "util/subprocess.h"

namespace trellis {

std::optional<CommittedVersion> find_committed_version(const std::string& root, const std::string& path,
                                                       const std::string& checksum, int depth) {
  ProcessResult log = run_process({"git", "log", "--format=%H", "-n", std::to_string(depth), "--", path}, root);
  if (log.exit_code != 0) return std::nullopt;  // not a git work tree, or no git
  std::istringstream commits(log.out);
  for (std::string commit; std::getline(commits, commit);) {
    if (commit.empty()) continue;
    ProcessResult show = run_process({"git", "show", commit + ":./" + path}, root);
    if (show.exit_code == 0 && sha256_hex(show.out) == checksum) return CommittedVersion{commit, show.out};
  }
  return std::nullopt;
}

}  // namespace trellis
