// cmd_lint.cc — `trellis lint [PATH...] [--format text|json|sarif|github]`.
#include <cstdlib>
#include <filesystem>
#include <optional>

#include "cli/commands.h"
#include "cli/lint_view.h"
#include "cli/output.h"
#include "trellis/error.h"
#include "trellis/graph.h"
#include "trellis/lint.h"
#include "trellis/project.h"
#include "trellis/workspace.h"

namespace trellis::cli {
namespace {

namespace fs = std::filesystem;

// Ids of the migrations under `paths` (files or directories, relative to `dir`, the -C
// directory); empty `paths` = all. A path that matches no migration is a usage error.
std::vector<std::string> selected_ids(const Project& project, const std::string& dir,
                                      const std::vector<std::string>& paths) {
  std::vector<std::string> ids;
  for (const auto& p : paths) {
    fs::path wanted = fs::weakly_canonical(fs::path(dir) / p);
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

// The selected environment, or null when none can be selected and none was asked for
// (`trellis lint` works in a project without environments: PostgreSQL, nothing applied).
std::unique_ptr<Workspace> try_workspace(const Globals& g) {
  try {
    return std::make_unique<Workspace>(g.dir, g.selection());
  } catch (const Error& e) {
    const char* env_var = std::getenv("TRELLIS_ENV");
    bool asked = !g.env.empty() || !g.database.empty() || (env_var != nullptr && *env_var != '\0');
    if (e.kind() != ErrorKind::kConfig || asked) throw;
    return nullptr;
  }
}

// Applied migrations of the environment; nullopt (nothing applied) when the database
// cannot be read, with a note on stderr.
std::optional<StateIndex> read_state(const Workspace& ws) {
  try {
    auto driver = ws.connect(OpenMode::kReadOnly);
    return StateIndex(driver->state().load_rows());
  } catch (const Error& e) {
    Output::get().err("trellis: note: cannot read " + mask_url(ws.env().database) + " (" + e.what() +
                      "); linting as if no migration were applied");
    return std::nullopt;
  }
}

}  // namespace

Runner setup_lint(CLI::App& sub, const Globals& g) {
  auto paths = std::make_shared<std::vector<std::string>>();
  auto format = std::make_shared<std::string>("text");
  auto offline = std::make_shared<bool>(false);
  sub.add_option("PATH", *paths, "Migration files or feature directories (default: the whole project)");
  sub.add_option("--format", *format, "text, json, sarif (code scanning) or github (workflow annotations)")
      ->check(CLI::IsMember({"text", "json", "sarif", "github"}));
  sub.footer(
      "Zero-downtime rules on each statement and cross-feature conflicts; down sections get the "
      "lock and correctness rules. Rules and severities are "
      "in docs/lint-rules.md, adjustable in trellis.toml [lint] and per file with "
      "`-- lint-allow: RULE \"reason\"`. Exit 1 when there are errors.");
  sub.add_flag("--offline", *offline,
               "Do not read the database: treat every migration as not applied (tables created by "
               "earlier migrations of a chain count as new)");
  return [&g, paths, format, offline]() {
    std::unique_ptr<Workspace> ws = try_workspace(g);
    std::optional<Project> own_project;
    std::optional<Graph> own_graph;
    if (!ws) {
      own_project.emplace(load_project(g.dir));
      own_graph.emplace(own_project->migrations);
    }
    const Project& project = ws ? ws->project() : *own_project;
    const Graph& graph = ws ? ws->graph() : *own_graph;
    std::vector<std::string> only = selected_ids(project, g.dir, *paths);
    std::optional<StateIndex> state;
    if (ws && !*offline) state = read_state(*ws);
    Dialect dialect = ws ? dialect_of_url(ws->env().database) : Dialect::kPostgres;
    LintSession session(project, graph, dialect, state ? &*state : nullptr);
    LintReport report = session.run_with_downs(only);
    session.save_cache();
    LintFormat as = parse_lint_format(*format);
    std::string text = format_report(report, as);
    if (as == LintFormat::kJson) Output::get().ordered_json(nlohmann::ordered_json::parse(text));
    else Output::get().line(without_final_newline(text));
    return static_cast<int>(report.ok() ? ExitCode::kOk : ExitCode::kFailed);
  };
}

}  // namespace trellis::cli
