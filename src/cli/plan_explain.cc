#include "cli/plan_explain.h"

#include "cli/output.h"
#include "trellis/compatibility.h"

namespace trellis::cli {

void print_explain(const Workspace& ws, const Plan& plan) {
  const Output& out = Output::get();
  const Graph& g = ws.graph();
  std::vector<std::vector<std::string>> rows;
  int before = 0, after = 0;
  for (const auto& s : plan.steps) {
    const Migration& m = g.at(s.node);
    CompatVerdict v = old_code_compatibility(m);
    bool ok = v.compat == OldCodeCompat::kKeepsWorking;
    (ok ? before : after) += 1;
    rows.push_back({m.id, phase_name(m.phase), out.paint(ok ? Style::kGreen : Style::kYellow, v.summary), v.why});
  }
  int held_contract = 0;
  for (const auto& h : plan.held) held_contract += h.reason == HoldReason::kContractNotAllowed;
  out.line();
  out.line(out.paint(Style::kBold, "Compatibility with code built for the previous schema:"));
  if (!rows.empty()) out.table({"migration", "phase", "old code keeps working", "why"}, rows);
  out.line();
  out.line(out.paint(Style::kBold, "Deploy order:"));
  out.line("  1. apply the expand and backfill migrations (" + std::to_string(before) +
           " here) while the current code serves traffic");
  out.line("  2. deploy the new application code");
  std::string contract = "  3. once no instance runs the old code, apply the contract migrations (" +
                         std::to_string(after) + " here";
  if (held_contract > 0) contract += ", " + std::to_string(held_contract) + " held back until --contract or allow_contract";
  out.line(contract + ")");
  if (after > 0) {
    out.line(out.paint(Style::kYellow, "  warning: ") + "this plan runs " + std::to_string(after) +
             " contract migration(s): make sure the old code is retired first");
  }
}

void add_explain_json(const Workspace& ws, const Plan& plan, nlohmann::json& doc) {
  auto& pending = doc["pending"];
  for (std::size_t i = 0; i < plan.steps.size() && i < pending.size(); ++i) {
    CompatVerdict v = old_code_compatibility(ws.graph().at(plan.steps[i].node));
    pending[i]["old_code_compatible"] = v.compat == OldCodeCompat::kKeepsWorking;
    pending[i]["compatibility"] = v.why;
  }
}

}  // namespace trellis::cli
