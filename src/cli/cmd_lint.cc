// cmd_lint.cc — `trellis lint [PATH...] [--format text|json|sarif|github]`.
#include <filesystem>

#include "cli/commands.h"
#include "cli/output.h"
#include "trellis/error.h"
#include "trellis/graph.h"
#include "trellis/lint.h"
#include "trellis/project.h"

namespace trellis::cli {
namespace {

namespace fs = std::filesystem;

// Ids of the migrations under `paths` (files or directories, relative to the current
// directory); empty `paths` = all. A path that matches no migration is a usage error.
std::vector<std::string> selected_ids(const Project& project, const std::vector<std::string>& paths) {
  std::vector<std::string> ids;
  for (const auto& p : paths) {
    fs::path wanted = fs::weakly_canonical(p);
    size_t before = ids.size();
    for (const auto& m : project.migrations) {
      fs::path file = fs::weakly_canonical(fs::path(project.config.root) / m.path);
      auto [end, _] = std::mismatch(wanted.begin(), wanted.end(), file.begin(), file.end());
      if (end == wanted.end()) ids.push_back(m.id);
    }
    if (ids.size() == before) {
      throw Error(ErrorKind::kUsage, p + ": no migration file there",
                  "give migration files or feature directories under " + project.config.migrations_dir + "/");
    }
  }
  return ids;
}

std::string without_final_newline(std::string s) {
  if (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

}  // namespace

Runner setup_lint(CLI::App& sub, const Globals& g) {
  auto paths = std::make_shared<std::vector<std::string>>();
  auto format = std::make_shared<std::string>("text");
  sub.add_option("PATH", *paths, "Migration files or feature directories (default: the whole project)");
  sub.add_option("--format", *format, "text, json, sarif (code scanning) or github (workflow annotations)")
      ->check(CLI::IsMember({"text", "json", "sarif", "github"}));
  sub.footer(
      "Zero-downtime rules on each statement and cross-feature conflicts; rules and severities are "
      "in docs/lint-rules.md, adjustable in trellis.toml [lint] and per file with "
      "`-- lint-allow: RULE \"reason\"`. Exit 1 when there are errors.");
  return [&g, paths, format]() {
    Project project = load_project(g.dir);
    Graph graph(project.migrations);
    std::vector<std::string> only = selected_ids(project, *paths);
    AnalysisCache cache((fs::path(project.config.root) / ".trellis").string());
    cache.load();
    LintOptions options;
    options.severity = project.config.lint.severity;
    options.depends_on = [&graph](const std::string& a, const std::string& b) {
      auto na = graph.find(a), nb = graph.find(b);
      return na && nb && graph.depends_on(*na, *nb);
    };
    LintReport report = lint(project.migrations, options,
                             [&cache](const Migration& m) -> const MigrationAnalysis& { return cache.get(m); },
                             only);
    try {
      cache.save();
    } catch (const Error&) {
      // The cache only saves time; a read-only checkout still lints.
    }
    Output::get().line(without_final_newline(format_report(report, parse_lint_format(*format))));
    return static_cast<int>(report.ok() ? ExitCode::kOk : ExitCode::kFailed);
  };
}

}  // namespace trellis::cli
