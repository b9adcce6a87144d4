// repair and forget (trellis/repair.h): what changes in the bookkeeping, decided from the
// rows and the files; the changes, one history event per row, in one transaction; and the
// use cases around them (read-only preview, then under the runner lock).
#include "trellis/repair.h"

#include <algorithm>

#include "engine/bookkeeping.h"
#include "trellis/error.h"
#include "trellis/integrity.h"

namespace trellis {
namespace {

std::string forget_hint(const std::string& id) { return "'trellis forget " + id + "'"; }

// A note for a row of a file that is present and that repair leaves, if any.
void note_present(const Migration& m, const StateRow& row, RepairPlan& plan) {
  if (row.status == RecordStatus::kApplied) {
    if (row.checksum != m.checksum) {
      plan.notes.push_back({m.id, "edited",
                            m.id + " was applied with checksum " + short_checksum(row.checksum) +
                                " but its file now has " + short_checksum(m.checksum) +
                                ": revert the file, or 'trellis accept " + m.id + "' records the new one"});
    }
    if (!row.error.empty()) {
      plan.notes.push_back({m.id, "rollback-failed",
                            m.id + " is still applied after a failed rollback (" + row.error +
                                "): roll it back again, or " + forget_hint(m.id) + " if you undid it by hand"});
    }
    return;
  }
  if (row.status == RecordStatus::kRunning) {
    plan.notes.push_back({m.id, "interrupted",
                          m.id + " was interrupted after " + std::to_string(row.statements_done) +
                              " statement(s): apply resumes it, judging whether the statement that was "
                              "running took effect; " + forget_hint(m.id) + " if you undid it by hand"});
    return;
  }
  std::string n = std::to_string(row.statements_done);
  plan.notes.push_back(
      {m.id, "partial",
       m.id + " failed after " + n + " of its statements committed: " +
           (row.checksum == m.checksum ? "apply resumes after them"
                                       : "its file changed since, so apply would start it over and run them again") +
           "; " + forget_hint(m.id) + " if you undid them by hand"});
}

}  // namespace

RepairPlan plan_repair(const Graph& graph, const StateIndex& state) {
  RepairPlan plan;
  const StateIndex::ByNode& rows = state.by_node(graph);
  for (const StateRow* row : rows.orphans) {
    if (row->status == RecordStatus::kApplied) {
      plan.notes.push_back({row->id, "missing-file",
                            row->id + " is recorded as applied but has no migration file: restore the file, or " +
                                forget_hint(row->id) + " if you undid it by hand"});
      continue;
    }
    plan.changes.push_back({RepairChange::Why::kFileGone, *row, "", false});
  }
  for (Node n = 0; n < graph.size(); ++n) {
    const StateRow* row = rows.by_node[n];
    if (row == nullptr) continue;
    const Migration& m = graph.at(n);
    if (row->status == RecordStatus::kFailed && row->statements_done == 0) {
      plan.changes.push_back({RepairChange::Why::kClearFailure, *row, m.path, row->checksum != m.checksum});
    } else {
      note_present(m, *row, plan);
    }
  }
  return plan;
}

void run_repair(Driver& driver, const RepairPlan& plan) {
  driver.connection().begin(Timeouts{});
  try {
    for (const auto& c : plan.changes) driver.state().forget(c.row.id, history_event(c.row.id, c.row.checksum, "repair"));
    driver.connection().commit();
  } catch (...) {
    driver.connection().rollback();
    throw;
  }
}

namespace {

// The row `id` names: a migration file's (full or short id), or one recorded without a file.
const StateRow& resolve_row(const Graph& graph, const StateIndex& state, const std::string& id) {
  if (auto n = graph.find(id)) {
    const StateRow* row = state.row(graph, *n);
    if (row == nullptr) {
      throw Error(ErrorKind::kUsage, graph.at(*n).id + " has no row to forget: it is pending already");
    }
    return *row;
  }
  for (const StateRow* row : state.by_node(graph).orphans) {
    if (row->id == id || row->id.rfind(id + "_", 0) == 0) return *row;
  }
  throw Error(ErrorKind::kUsage, "no migration '" + id + "': no migration file has that id, and the database records none",
              "'trellis status' lists the migrations and what the database records");
}

// Refuses to leave an applied migration whose dependency is forgotten: the database would
// then claim it on top of a migration it says is not there.
void refuse_orphaned_dependents(const Graph& graph, const StateIndex& state, const std::vector<StateRow>& rows) {
  std::vector<bool> forgotten(graph.size(), false);
  std::vector<Node> start;
  for (const auto& r : rows) {
    if (auto n = graph.find(r.id)) {
      forgotten[*n] = true;
      start.push_back(*n);
    }
  }
  if (start.empty()) return;
  std::vector<bool> below = graph.descendants(start);
  std::string names;
  for (Node n = 0; n < graph.size(); ++n) {
    if (below[n] && !forgotten[n] && state.applied(graph, n)) names += (names.empty() ? "" : ", ") + graph.at(n).id;
  }
  if (names.empty()) return;
  throw Error(ErrorKind::kPlan, "still applied, and depending on what you forget: " + names,
              "name them too, or roll them back first ('trellis rollback ID')");
}

}  // namespace

std::vector<StateRow> plan_forget(const Graph& graph, const StateIndex& state, const std::vector<std::string>& ids) {
  std::vector<StateRow> out;
  for (const auto& id : ids) {
    const StateRow& row = resolve_row(graph, state, id);
    bool seen = std::any_of(out.begin(), out.end(), [&](const StateRow& r) { return r.id == row.id; });
    if (!seen) out.push_back(row);
  }
  refuse_orphaned_dependents(graph, state, out);
  return out;
}

void run_forget(Driver& driver, const std::vector<StateRow>& rows) {
  driver.connection().begin(Timeouts{});
  try {
    for (const auto& r : rows) driver.state().forget(r.id, history_event(r.id, r.checksum, "forget"));
    driver.connection().commit();
  } catch (...) {
    driver.connection().rollback();
    throw;
  }
}

RepairReport preview_repair(const Workspace& ws) {
  auto driver = ws.connect(OpenMode::kReadOnly);
  RepairReport report;
  report.plan = plan_repair(ws.graph(), StateIndex(driver->state().load_rows()));
  report.target = driver->display_target();
  return report;
}

RepairReport repair_state(const Workspace& ws, Millis lock_wait, const std::function<bool(const RepairReport&)>& confirm) {
  auto driver = ws.connect_to_write(lock_wait);
  RepairReport report;
  report.plan = plan_repair(ws.graph(), StateIndex(driver->state().load_rows()));
  report.target = driver->display_target();
  if (report.plan.changes.empty() || !confirm(report)) return report;
  run_repair(*driver, report.plan);
  report.done = true;
  return report;
}

ForgetReport preview_forget(const Workspace& ws, const std::vector<std::string>& ids) {
  auto driver = ws.connect(OpenMode::kReadOnly);
  ForgetReport report;
  report.rows = plan_forget(ws.graph(), StateIndex(driver->state().load_rows()), ids);
  report.target = driver->display_target();
  return report;
}

ForgetReport forget_rows(const Workspace& ws, const std::vector<std::string>& ids, Millis lock_wait,
                         const std::function<bool(const ForgetReport&)>& confirm) {
  auto driver = ws.connect_to_write(lock_wait);
  ForgetReport report;
  report.rows = plan_forget(ws.graph(), StateIndex(driver->state().load_rows()), ids);
  report.target = driver->display_target();
  if (report.rows.empty() || !confirm(report)) return report;
  run_forget(*driver, report.rows);
  report.done = true;
  return report;
}

}  // namespace trellis
