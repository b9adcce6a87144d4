// cmd_lint.cc — `trellis lint [PATH...|--since REF|--latest N] [--format text|json|sarif|github]`.
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>

#include "cli/commands.h"
#include "cli/lint_view.h"
#include "cli/output.h"
#include "project/git_base.h"
#include "trellis/error.h"
#include "trellis/graph.h"
#include "trellis/lint.h"
#include "trellis/lint_session.h"
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

// What lint read of the environment's database.
struct DatabaseRead {
  std::optional<StateIndex> state;  // applied migrations; nullopt when it cannot be read
  std::optional<int> server_version;  // PostgreSQL's major version
};

// The applied migrations of the environment and its server's version; nothing when the
// database cannot be read, with a note on stderr.
DatabaseRead read_database(const Workspace& ws) {
  DatabaseRead read;
  try {
    auto driver = ws.connect(OpenMode::kReadOnly);
    read.server_version = driver->catalog().server_major_version();
    read.state.emplace(driver->state().load_rows());
  } catch (const Error& e) {
    Output::get().err("trellis: note: cannot read " + mask_url(ws.env().database) + " (" + e.what() + ")");
  }
  return read;
}

// The note that says what lint checked for, unless [lint] dialect chose it.
void tell_target(const LintTarget& target, int version, const std::string& version_why) {
  if (target.dialect_configured) return;
  std::string what = target.dialect == Dialect::kSqlite
                         ? std::string("SQLite (PostgreSQL-only rules skipped)")
                         : "PostgreSQL" + (version > 0 ? " " + std::to_string(version) : std::string()) + " (" +
                               version_why + ")";
  Output::get().err("trellis: note: linting for " + what + ": " + target.why +
                    "; [lint] dialect = \"postgres\" or \"sqlite\" chooses");
}

struct LintArgs {
  std::vector<std::string> paths;
  std::string format = "text";
  bool offline = false;
  std::string since;
  int latest = 0;
  std::string path_prefix;
  bool path_prefix_given = false;
};

// Which migrations are linted (ids; empty = all) and, for a run without a database, which
// count as applied and how that is told.
struct Selection {
  std::vector<std::string> ids;
  std::string how;  // "given as PATH", "added or changed since REF", …; "" = every migration
};

Selection select_migrations(const Project& project, const Graph& graph, const std::string& dir, const LintArgs& a) {
  Selection s;
  if (!a.since.empty()) {
    GitBase base = read_git_base(project.config.root, project.config.migrations_dir, a.since);
    for (const auto& m : project.migrations) {
      if (!base.unchanged(m.path)) s.ids.push_back(m.id);
    }
    s.how = "added or changed since " + a.since + " (" + base.commit.substr(0, 12) + ")";
  } else if (a.latest > 0) {
    std::vector<Node> order = graph.topo_order(std::vector<bool>(graph.size(), true));
    size_t from = order.size() > static_cast<size_t>(a.latest) ? order.size() - a.latest : 0;
    for (size_t i = from; i < order.size(); ++i) s.ids.push_back(graph.at(order[i]).id);
    s.how = "the latest " + std::to_string(a.latest) + " in dependency order";
  } else if (!a.paths.empty()) {
    s.ids = selected_ids(project, dir, a.paths);
    s.how = "given as PATH";
  }
  return s;
}

// Without a database: the migrations outside the linted set count as applied; with none
// selected, every migration but the one being linted does (so a table another migration
// creates is assumed to hold rows: the safe assumption for lock rules).
std::string assume_applied(LintSession& session, const Selection& sel, const std::string& why) {
  if (sel.how.empty()) {
    session.assume_applied([](const std::string&) { return true; });
    return why + ": assuming every migration other than the one linted is applied, so tables that other "
                 "migrations create hold rows (lint --since REF, --latest N or PATH… to lint a change together)";
  }
  auto linted = std::make_shared<std::set<std::string>>(sel.ids.begin(), sel.ids.end());
  session.assume_applied([linted](const std::string& id) { return linted->count(id) == 0; });
  std::string n = std::to_string(sel.ids.size());
  return why + ": linting " + n + " migration(s) (" + sel.how +
         ") as not yet applied; all others count as applied, so the tables they create hold rows";
}

// Paths relative to the repository root (or --path-prefix) for the formats a code host reads.
void prefix_paths(LintReport& report, const Project& project, const LintArgs& a, LintFormat format) {
  if (format != LintFormat::kSarif && format != LintFormat::kGithub) return;
  std::string prefix = a.path_prefix_given ? a.path_prefix : git_prefix(project.config.root).value_or("");
  if (prefix.empty()) return;
  if (prefix.back() != '/') prefix += '/';
  for (auto& f : report.findings) {
    if (!f.file.empty()) f.file = prefix + f.file;
  }
}

}  // namespace

Runner setup_lint(CLI::App& sub, const Globals& g) {
  auto a = std::make_shared<LintArgs>();
  auto* paths = sub.add_option("PATH", a->paths, "Migration files or feature directories (default: the whole project)");
  sub.add_option("--format", a->format, "text, json, sarif (code scanning) or github (workflow annotations)")
      ->check(CLI::IsMember({"text", "json", "sarif", "github"}));
  sub.footer(
      "Zero-downtime rules on each statement and cross-feature conflicts; down sections get the "
      "lock and correctness rules. Rules and severities are "
      "in docs/lint-rules.md, adjustable in trellis.toml [lint] and per file with "
      "`-- lint-allow: RULE \"reason\"`. Without a readable database (CI), the migrations outside "
      "the linted ones count as applied (--since REF, --latest N, PATH…), and a note says so. "
      "Exit 1 when there are errors.");
  sub.add_flag("--offline", a->offline,
               "Do not read the database: the migrations not being linted count as applied");
  auto* since = sub.add_option("--since", a->since,
                               "Lint the migrations added or changed since the git revision REF (a branch, tag or "
                               "commit); those present at REF count as applied")
                    ->type_name("REF");
  auto* latest = sub.add_option("--latest", a->latest, "Lint the last N migrations in dependency order; the others count as applied")
                     ->type_name("N")
                     ->check(CLI::PositiveNumber);
  since->excludes(latest)->excludes(paths);
  latest->excludes(paths);
  sub.add_option("--path-prefix", a->path_prefix,
                 "Prefix of the file paths in sarif and github output (default: the project's directory in its "
                 "git repository, so annotations land on the right file)")
      ->type_name("DIR")
      ->each([a](const std::string&) { a->path_prefix_given = true; });
  return [&g, a]() {
    LintFormat format = parse_lint_format(a->format);
    std::unique_ptr<Workspace> ws = try_workspace(g);
    std::optional<Project> own_project;
    std::optional<Graph> own_graph;
    if (!ws) {
      own_project.emplace(load_project(g.dir));
      own_graph.emplace(own_project->migrations);
    }
    const Project& project = ws ? ws->project() : *own_project;
    const Graph& graph = ws ? ws->graph() : *own_graph;
    Selection sel = select_migrations(project, graph, g.dir, *a);
    DatabaseRead read;
    if (ws && !a->offline) read = read_database(*ws);
    const std::optional<StateIndex>& state = read.state;
    LintTarget target = lint_target(project.config, ws ? ws->env().database : std::string());
    std::string version_why;
    int version = lint_postgres_version(project.config, read.server_version, version_why);
    tell_target(target, version, version_why);
    LintSession session(project, graph, target.dialect, state ? &*state : nullptr);
    session.set_postgres_version(version);
    std::string assumption;
    if (!state) {
      std::string why = a->offline ? "--offline" : ws ? "database not read" : "no environment";
      assumption = assume_applied(session, sel, why);
      Output::get().err("trellis: note: " + assumption);
    }
    if (!sel.how.empty() && sel.ids.empty()) {
      Output::get().err("trellis: note: no migration " + sel.how);
    }
    LintReport report = sel.how.empty() || !sel.ids.empty() ? session.run_with_downs(sel.ids) : LintReport{};
    session.save_cache();
    report.assumption = assumption;
    prefix_paths(report, project, *a, format);
    std::string text = format_report(report, format);
    if (format == LintFormat::kJson) Output::get().ordered_json(nlohmann::ordered_json::parse(text));
    else Output::get().line(without_final_newline(text));
    return static_cast<int>(report.ok() ? ExitCode::kOk : ExitCode::kFailed);
  };
}

}  // namespace trellis::cli
