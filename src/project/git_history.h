// git_history.h — a file's bytes as they were committed, found by their checksum: what
// `accept` diffs against, since the database keeps only the applied file's SHA-256.
#pragma once

#include <optional>
#include <string>

namespace trellis {

struct CommittedVersion {
  std::string commit;  // full hash
  std::string bytes;
};

// Of the last `depth` commits that touched `path` (relative to `root`), the newest in which
// the file's bytes have the hex SHA-256 `checksum`. nullopt when `root` is not in a git
// work tree, git cannot be run, or no such commit is found.
std::optional<CommittedVersion> find_committed_version(const std::string& root, const std::string& path,
                                                       const std::string& checksum, int depth = 200);

}  // namespace trellis
