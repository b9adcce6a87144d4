// accept_diff.cc — `diff -u` of the applied bytes (from git) and the file now.
#include "cli/accept_diff.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "cli/output.h"
#include "project/git_history.h"
#include "util/subprocess.h"

namespace trellis::cli {
namespace {

Style style_of(const std::string& line) {
  if (line.rfind("+++", 0) == 0 || line.rfind("---", 0) == 0) return Style::kBold;
  if (line.rfind("@@", 0) == 0) return Style::kCyan;
  if (!line.empty() && line[0] == '+') return Style::kGreen;
  if (!line.empty() && line[0] == '-') return Style::kRed;
  return Style::kPlain;
}

}  // namespace

void show_accepted_diff(const std::string& root, const Migration& m, const std::string& applied_checksum) {
  namespace fs = std::filesystem;
  const Output& out = Output::get();
  auto applied = find_committed_version(root, m.path, applied_checksum);
  if (!applied) {
    out.line(out.paint(Style::kDim, "    (no diff: the applied content of " + m.path +
                                        " is in no commit of this git checkout; the database keeps only its checksum)"));
    return;
  }
  fs::path old_file = fs::temp_directory_path() / ("trellis-accept-" + std::to_string(::getpid()) + ".sql");
  std::ofstream(old_file, std::ios::binary) << applied->bytes;
  ProcessResult diff = run_process({"diff", "-u", "--label", m.path + " (applied: commit " + applied->commit.substr(0, 12) + ")",
                                    "--label", m.path + " (now)", old_file.string(), m.path},
                                   root);
  std::error_code ec;
  fs::remove(old_file, ec);
  if (diff.exit_code != 1) {  // 0: the same bytes (cannot be: the checksums differ); 2 or 127: trouble
    out.line(out.paint(Style::kDim, "    (no diff: diff -u " + m.path + " failed" +
                                        (diff.err.empty() ? "" : ": " + diff.err.substr(0, diff.err.find('\n'))) + ")"));
    return;
  }
  std::istringstream lines(diff.out);
  for (std::string line; std::getline(lines, line);) out.line("    " + out.paint(style_of(line), line));
}

}  // namespace trellis::cli
