#include "cli/plan_view.h"

#include "cli/diagnostic_view.h"
#include "cli/lint_view.h"
#include "cli/output.h"
#include "trellis/error.h"
#include "trellis/status.h"
#include "util/text.h"

namespace trellis::cli {

void add_plan_options(CLI::App& sub, PlanOptions& o) {
  sub.add_option("--feature", o.features, "Only this feature (repeatable); its dependencies come along")
      ->type_name("F");
  sub.add_option("--to", o.to, "Stop at this migration (and what it depends on)")->type_name("ID");
  sub.add_flag("--with-dependencies", o.with_dependencies,
               "Also run the migrations of unreleased features that released ones require");
  sub.add_flag("--contract", o.contract, "Allow contract-phase migrations in this run");
  sub.add_flag("--allow-out-of-order", o.allow_out_of_order,
               "Apply a migration numbered below an applied one of its own feature");
}

static std::vector<std::string> required_ids(const Graph& g, Node n) {
  std::vector<std::string> ids;
  for (Node d : g.required(n)) ids.push_back(g.at(d).id);
  return ids;
}

namespace {

const MigrationLintSummary* summary_of(const PlanLint* lint, const std::string& id) {
  if (!lint) return nullptr;
  auto it = lint->pending.find(id);
  return it == lint->pending.end() ? nullptr : &it->second;
}

void print_step_findings(const Workspace& ws, const Plan& plan, const PlanLint& lint) {
  const Output& out = Output::get();
  bool any = false;
  for (const auto& s : plan.steps) {
    const MigrationLintSummary* summary = summary_of(&lint, ws.graph().at(s.node).id);
    if (!summary || summary->findings.empty()) continue;
    if (!any) {
      out.line();
      out.line(out.paint(Style::kBold, "Lint findings of pending migrations:"));
    }
    any = true;
    print_lint_findings(summary->findings);
  }
}

// What a started migration is doing, in the words of status ("paused: apply leaves it").
std::string started_note(const Migration& m, const StateIndex* state) {
  const StateRow* row = state != nullptr ? state->find(m.id) : nullptr;
  if (row == nullptr || row->status == RecordStatus::kApplied) return "";
  switch (recorded_state(m, *row, *state).state) {
    case MigrationState::kRunning: return "running now (another runner holds the lock)";
    case MigrationState::kPaused: return "paused: apply leaves it; 'trellis backfill resume " + m.id + "' runs it";
    case MigrationState::kInterrupted: return "interrupted: apply resumes it";
    default: return "";
  }
}

}  // namespace

void print_plan(const Workspace& ws, const Plan& plan, const PlanLint* lint, const StateIndex* state) {
  const Output& out = Output::get();
  const Graph& g = ws.graph();
  out.line(out.paint(Style::kBold, "Plan for " + ws.env().name) + " (" + mask_url(ws.env().database) + "): " +
           std::to_string(plan.steps.size()) + " to apply");
  if (plan.steps.empty()) out.line("  nothing to apply");
  std::vector<std::vector<std::string>> rows;
  int i = 0;
  for (const auto& s : plan.steps) {
    const Migration& m = g.at(s.node);
    std::string notes;
    auto req = required_ids(g, s.node);
    if (!req.empty()) notes = "requires " + join(req, ", ");
    if (m.tx == TxMode::kNone) notes += std::string(notes.empty() ? "" : "; ") + "non-transactional";
    if (!m.up.has_sql && !m.batch) notes += std::string(notes.empty() ? "" : "; ") + "no SQL: only recorded";
    if (s.pulled_in) notes += std::string(notes.empty() ? "" : "; ") + "pulled in as a dependency";
    if (std::string started = started_note(m, state); !started.empty()) {
      notes += std::string(notes.empty() ? "" : "; ") + started;
    }
    std::vector<std::string> row{std::to_string(++i) + ".", out.paint(Style::kCyan, m.id), phase_name(m.phase)};
    if (const MigrationLintSummary* summary = summary_of(lint, m.id)) {
      row.push_back(lock_text(summary->strongest_lock));
      row.push_back(lint_counts_text(summary->findings));
    }
    row.push_back(notes);
    rows.push_back(std::move(row));
  }
  if (!rows.empty()) {
    out.table(lint ? std::vector<std::string>{"#", "migration", "phase", "strongest lock", "lint", "notes"}
                   : std::vector<std::string>{"#", "migration", "phase", "notes"},
              rows);
  }
  if (lint) print_step_findings(ws, plan, *lint);
  std::vector<std::vector<std::string>> held;
  for (const auto& h : plan.held) {
    if (h.reason == HoldReason::kNotSelected) continue;
    held.push_back({g.at(h.node).id, hold_reason_id(h.reason), h.detail});
  }
  if (!held.empty()) {
    out.line();
    out.line(out.paint(Style::kBold, "Held back (" + std::to_string(held.size()) + "):"));
    out.table({"migration", "reason", "detail"}, held);
  }
  if (std::size_t n = plan.incomplete().size(); n > 0) {
    out.line();
    out.line(out.paint(Style::kYellow, std::to_string(n) + " migration(s) of released features held back") +
             " for a dependency on an unreleased feature: apply runs the rest and exits 1");
  }
  if (lint) print_conflicts(lint->report);
}

void print_plan_errors(const Plan& plan) {
  for (const auto& e : plan.errors) print_error({e}, e.hint);
}

int plan_exit_status(const Plan& plan) {
  if (!plan.errors.empty()) return static_cast<int>(ExitCode::kBadInput);
  return static_cast<int>(plan.incomplete().empty() ? ExitCode::kOk : ExitCode::kFailed);
}

nlohmann::json findings_json(const std::vector<Finding>& findings) {
  using report::Field;
  return json_array(findings, {{Field::kCode, "kind"}, {Field::kSeverity, "severity"}, {Field::kId, "id"},
                               {Field::kFile, "file"}, {Field::kLine, "line"}, {Field::kMessage, "message"}});
}

void print_findings(const std::vector<Finding>& findings) {
  for (const auto& f : findings) print_severity_message(f);
}

nlohmann::json plan_json(const Workspace& ws, const Plan& plan, const std::vector<Finding>& warnings,
                         const PlanLint* lint) {
  const Graph& g = ws.graph();
  nlohmann::json pending = nlohmann::json::array(), held = nlohmann::json::array(),
                 errors = nlohmann::json::array();
  for (const auto& s : plan.steps) {
    const Migration& m = g.at(s.node);
    nlohmann::json entry = {{"id", m.id},
                            {"feature", m.feature},
                            {"phase", phase_name(m.phase)},
                            {"transaction", m.tx == TxMode::kTransactional},
                            {"requires", required_ids(g, s.node)},
                            {"pulled_in", s.pulled_in}};
    if (const MigrationLintSummary* summary = summary_of(lint, m.id)) {
      entry["lock"] = lock_json(summary->strongest_lock);
      entry["lint"] = lint_findings_json(summary->findings);
    }
    pending.push_back(std::move(entry));
  }
  for (const auto& h : plan.held) {
    held.push_back({{"id", g.at(h.node).id},
                    {"feature", g.at(h.node).feature},
                    {"reason", hold_reason_id(h.reason)},
                    {"detail", h.detail}});
  }
  errors = json_array(plan.errors, {{report::Field::kMessage, "message"}, {report::Field::kHint, "hint"}});
  nlohmann::json doc = {{"environment", ws.env().name}, {"database", mask_url(ws.env().database)},
                        {"pending", pending}, {"held_back", held}, {"errors", errors},
                        {"warnings", findings_json(warnings)}};
  if (lint) doc["conflicts"] = conflicts_json(lint->report);
  return doc;
}

}  // namespace trellis::cli
