// git_base.h — what a git revision holds of a project's migrations (`lint --since REF`),
// and where the project sits in its repository (paths in SARIF and GitHub annotations).
#pragma once

#include <optional>
#include <set>
#include <string>

namespace trellis {

// The migration files of a project compared with a git revision.
struct GitBase {
  std::string commit;                // the full hash REF names
  std::set<std::string> at_ref;      // files under the migrations directory at REF
  std::set<std::string> changed;     // files that differ between REF and the working tree
  // Whether `path` (relative to the project root) is at REF with the same content.
  bool unchanged(const std::string& path) const { return at_ref.count(path) && !changed.count(path); }
};

// Reads, with `git` run in the project root `root`, the files under `migrations_dir`
// (relative to root) at `ref` and those that changed since (committed or not, untracked
// files count as added). Throws Error(kUsage) outside a git work tree, for a ref that
// names no commit, or when git cannot run.
GitBase read_git_base(const std::string& root, const std::string& migrations_dir, const std::string& ref);

// The project root's path inside its git work tree ("services/api/", "" at the top), or
// nullopt when it is not in one (or git is missing).
std::optional<std::string> git_prefix(const std::string& root);

}  // namespace trellis
