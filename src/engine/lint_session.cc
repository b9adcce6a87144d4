#include "trellis/lint_session.h"

#include <algorithm>
#include <filesystem>
#include <tuple>
#include <unordered_map>

#include "trellis/error.h"
#include "trellis/graph.h"

namespace trellis {

struct LintSession::Impl {
  Impl(const Project& p, const Graph& g) : project(p), graph(g), cache((std::filesystem::path(p.config.root) / ".trellis").string()) {}

  // a depends on b, with each migration's ancestors computed once.
  bool depends_on(const std::string& a, const std::string& b) {
    auto na = graph.find(a), nb = graph.find(b);
    if (!na || !nb) return false;
    auto it = ancestors.find(*na);
    if (it == ancestors.end()) it = ancestors.emplace(*na, graph.ancestors({*na})).first;
    return it->second[*nb];
  }

  const Project& project;
  const Graph& graph;
  AnalysisCache cache;
  LintOptions options;
  std::unordered_map<Node, std::vector<bool>> ancestors;
};

LintSession::LintSession(const Project& project, const Graph& graph, Dialect dialect, const StateIndex* state)
    : impl_(std::make_unique<Impl>(project, graph)) {
  impl_->cache.load();
  LintOptions& o = impl_->options;
  o.severity = project.config.lint.severity;
  o.dialect = dialect;
  o.postgres_version = project.config.lint.postgres_version;
  Impl* impl = impl_.get();
  o.depends_on = [impl](const std::string& a, const std::string& b) { return impl->depends_on(a, b); };
  if (state) o.is_applied = [state](const std::string& id) { return state->applied(id); };
}

LintSession::~LintSession() = default;

void LintSession::assume_applied(std::function<bool(const std::string& id)> is_applied) {
  impl_->options.is_applied = std::move(is_applied);
}

void LintSession::set_postgres_version(int major) { impl_->options.postgres_version = major; }

LintReport LintSession::run(const std::vector<std::string>& only) {
  Impl* impl = impl_.get();
  return lint(impl->project.migrations, impl->options,
              [impl](const Migration& m) -> const MigrationAnalysis& { return impl->cache.get(m); }, only);
}

LintReport LintSession::run_downs(const std::vector<std::string>& only) {
  Impl* impl = impl_.get();
  return lint_downs(impl->project.migrations, impl->options,
                    [impl](const Migration& m) -> const MigrationAnalysis& { return impl->cache.get(m); }, only);
}

LintReport LintSession::run_with_downs(const std::vector<std::string>& only) {
  LintReport report = run(only);
  LintReport downs = run_downs(only);
  if (downs.findings.empty()) return report;
  for (auto& f : downs.findings) report.findings.push_back(std::move(f));
  std::stable_sort(report.findings.begin(), report.findings.end(), [](const LintFinding& a, const LintFinding& b) {
    return std::tie(a.file, a.line, a.column, a.code) < std::tie(b.file, b.line, b.column, b.code);
  });
  return report;
}

const MigrationAnalysis& LintSession::analysis(const Migration& m) { return impl_->cache.get(m); }

void LintSession::save_cache() {
  if (impl_->cache.misses() == 0) return;
  try {
    impl_->cache.save();
  } catch (const Error&) {
    // The cache only saves time.
  }
}

PlanLint lint_plan(const Workspace& ws, const Plan& plan, const StateIndex& state, std::optional<int> server_version) {
  // The findings are lint's (every environment's dialect); the lock column is this database's.
  Dialect dialect = dialect_of_url(ws.env().database);
  LintSession session(ws.project(), ws.graph(), lint_target(ws.project().config, ws.env().database).dialect, &state);
  std::string why;
  session.set_postgres_version(lint_postgres_version(ws.project().config, server_version, why));
  PlanLint out;
  out.report = session.run();
  std::vector<std::string> ids;
  for (const auto& s : plan.steps) ids.push_back(ws.graph().at(s.node).id);
  auto lookup = [&session](const Migration& m) -> const MigrationAnalysis& { return session.analysis(m); };
  for (auto& summary : summarise_for_plan(ws.project().migrations, out.report, lookup, ids)) {
    // SQLite has no table lock modes: a write locks the whole database file.
    if (dialect == Dialect::kSqlite) summary.strongest_lock = TableLock{};
    out.pending[summary.id] = std::move(summary);
  }
  session.save_cache();
  return out;
}

bool is_conflict(const LintFinding& f) {
  const RuleInfo* info = find_rule(f.code);
  return info && info->category == RuleCategory::kConflict;
}

std::vector<Finding> lint_check_findings(const LintReport& report, bool include_lint) {
  std::vector<Finding> out;
  for (const auto& f : report.findings) {
    bool conflict = is_conflict(f);
    if (!conflict && !include_lint) continue;
    out.push_back(make_finding(conflict ? "conflict" : "lint", f.severity, f.id, f.file, f.line,
                               f.code + ": " + f.message));
  }
  return out;
}

Dialect dialect_of(const Workspace& ws) { return dialect_of_url(ws.env().database); }

}  // namespace trellis
