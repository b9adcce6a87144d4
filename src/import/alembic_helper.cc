// Running the helper program (alembic_program.cc) and reading its JSON answer with the
// project's JSON reader (sql/json_tree.h).
#include "import/alembic_helper.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "import/source_files.h"
#include "sql/json_tree.h"
#include "util/subprocess.h"
#include "util/text.h"

namespace trellis::imports {
namespace {

using sql::Json;
using sql::JsonTree;

std::string found_on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return "";
  for (const auto& dir : split_list(path, ':')) {
    std::string candidate = path_join(dir, program);
    if (::access(candidate.c_str(), X_OK) == 0 && is_file(candidate)) return candidate;
  }
  return "";
}

std::string text_of(const Json& node, std::string_view key) {
  auto it = node.find(key);
  return it != node.end() && it->is_string() ? it->get<std::string>() : "";
}

int int_of(const Json& node, std::string_view key) {
  auto it = node.find(key);
  return it != node.end() && it->is_number_integer() ? it->get<int>() : 0;
}

std::vector<std::string> list_of(const Json& node, std::string_view key) {
  std::vector<std::string> out;
  auto it = node.find(key);
  if (it == node.end() || !it->is_array()) return out;
  for (const Json& item : *it) {
    if (item.is_string()) out.push_back(item.get<std::string>());
  }
  return out;
}

// Runs the helper; on success `tree` holds its answer. A failure is added to `problems`.
bool run_helper(const std::vector<std::string>& python, const std::string& dir, std::vector<std::string> args,
                std::string& answer, JsonTree& tree, Problems& problems) {
  std::vector<std::string> argv = python;
  argv.insert(argv.end(), {"-B", "-c", alembic_program()});  // -B: no __pycache__ in the source
  argv.insert(argv.end(), args.begin(), args.end());
  ProcessResult r = run_process(argv, dir);
  answer = std::move(r.out);
  if (r.exit_code != 0 || !tree.parse(answer) || !tree.root().is_object()) {
    std::vector<std::string> err_lines = split_list(r.err, '\n');
    std::string last = err_lines.empty() ? "exit status " + std::to_string(r.exit_code) : err_lines.back();
    problems.add(dir, 0, "running Alembic (" + join(python, " ") + ") failed: " + last +
                             " (does 'alembic heads' work in this directory?)");
    return false;
  }
  auto error = tree.root().find("error");
  if (error != tree.root().end()) {
    std::string file = text_of(*error, "file");
    problems.add(path_join(dir, file), int_of(*error, "line"), text_of(*error, "message"));
    return false;
  }
  return true;
}

}  // namespace

std::optional<std::vector<std::string>> alembic_python() {
  std::string alembic = found_on_path("alembic");
  if (alembic.empty()) return std::nullopt;
  std::ifstream in(alembic, std::ios::binary);
  std::string first;
  std::getline(in, first);
  if (!starts_with(first, "#!")) return std::vector<std::string>{"python3"};  // not a script
  std::vector<std::string> argv;
  for (const auto& word : split_list(first.substr(2), ' ')) argv.push_back(word);
  if (argv.empty()) argv.push_back("python3");
  return argv;
}

std::vector<AlembicRevision> list_alembic_revisions(const std::vector<std::string>& python, const std::string& dir,
                                                    Problems& problems) {
  std::vector<AlembicRevision> out;
  std::string answer;
  JsonTree tree;
  if (!run_helper(python, dir, {"list"}, answer, tree, problems)) return out;
  auto revisions = tree.root().find("revisions");
  if (revisions == tree.root().end()) return out;
  for (const Json& r : *revisions) {
    AlembicRevision rev;
    rev.revision = text_of(r, "revision");
    rev.down = list_of(r, "down");
    rev.depends = list_of(r, "depends");
    rev.labels = list_of(r, "labels");
    rev.file = text_of(r, "file");
    rev.line = int_of(r, "line");
    rev.down_line = int_of(r, "down_line");
    rev.depends_line = int_of(r, "depends_line");
    rev.labels_line = int_of(r, "labels_line");
    rev.upgrade_line = int_of(r, "upgrade_line");
    rev.downgrade_line = int_of(r, "downgrade_line");
    out.push_back(std::move(rev));
  }
  return out;
}

AlembicRendering render_alembic_revisions(const std::vector<std::string>& python, const std::string& dir,
                                          const std::vector<AlembicRenderPlan>& plan, Problems& problems) {
  AlembicRendering out;
  std::vector<std::string> args = {"render"};
  for (const AlembicRenderPlan& p : plan) {
    std::vector<std::string> start;
    for (const auto& s : p.start) start.push_back(quoted_string(s));
    args.push_back("{\"revision\": " + quoted_string(p.revision) + ", \"start\": [" + join(start, ", ") +
                   "], \"down_to\": " + quoted_string(p.down_to) + "}");
  }
  std::string answer;
  JsonTree tree;
  if (!run_helper(python, dir, args, answer, tree, problems)) return out;
  const Json& root = tree.root();
  if (std::string table = text_of(root, "version_table"); !table.empty()) out.version_table = table;
  out.version_table_schema = text_of(root, "version_table_schema");
  out.dialect = text_of(root, "dialect");
  auto renders = root.find("renders");
  if (renders == root.end()) return out;
  for (const Json& r : *renders) {
    AlembicRendered one;
    one.revision = text_of(r, "revision");
    one.up = text_of(r, "up");
    auto down = r.find("down");
    if (down != r.end() && down->is_string()) one.down = down->get<std::string>();
    out.revisions.push_back(std::move(one));
  }
  return out;
}

}  // namespace trellis::imports
