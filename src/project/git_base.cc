// git_base.cc — `git rev-parse`, `ls-tree` and `diff --name-only`, run in the project root.
#include "project/git_base.h"

#include "trellis/error.h"
#include "util/subprocess.h"

namespace trellis {
namespace {

ProcessResult git(const std::string& root, std::vector<std::string> args) {
  args.insert(args.begin(), "git");
  return run_process(args, root);
}

std::set<std::string> nul_separated(const std::string& text) {
  std::set<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\0', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) out.insert(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::string first_line(const std::string& s) {
  std::string line = s.substr(0, s.find('\n'));
  return line.empty() ? "no output" : line;
}

}  // namespace

GitBase read_git_base(const std::string& root, const std::string& migrations_dir, const std::string& ref) {
  ProcessResult inside = git(root, {"rev-parse", "--is-inside-work-tree"});
  if (inside.exit_code == 127) {
    throw Error(ErrorKind::kUsage, "--since " + ref + ": cannot run git", "install git, or give the files to lint as PATH arguments");
  }
  if (inside.exit_code != 0 || inside.out.rfind("true", 0) != 0) {
    throw Error(ErrorKind::kUsage, "--since " + ref + ": " + root + " is not inside a git work tree",
                "run lint in a git checkout of the project, or give the files to lint as PATH arguments");
  }
  ProcessResult commit = git(root, {"rev-parse", "--verify", "--quiet", "--end-of-options", ref + "^{commit}"});
  if (commit.exit_code != 0) {
    throw Error(ErrorKind::kUsage, "--since " + ref + ": no such commit in this repository",
                "give a branch, tag or commit; in CI, fetch it first (git fetch origin main, or actions/checkout "
                "with fetch-depth: 0)");
  }
  GitBase base;
  base.commit = commit.out.substr(0, commit.out.find('\n'));
  ProcessResult tree = git(root, {"ls-tree", "-r", "-z", "--name-only", base.commit, "--", migrations_dir});
  if (tree.exit_code != 0) throw Error(ErrorKind::kUsage, "git ls-tree " + ref + ": " + first_line(tree.err));
  base.at_ref = nul_separated(tree.out);
  ProcessResult diff = git(root, {"diff", "--name-only", "-z", "--relative", "--no-renames", base.commit, "--", migrations_dir});
  if (diff.exit_code != 0) throw Error(ErrorKind::kUsage, "git diff " + ref + ": " + first_line(diff.err));
  base.changed = nul_separated(diff.out);
  return base;
}

std::optional<std::string> git_prefix(const std::string& root) {
  ProcessResult r = git(root, {"rev-parse", "--show-prefix"});
  if (r.exit_code != 0) return std::nullopt;
  return r.out.substr(0, r.out.find('\n'));
}

}  // namespace trellis
