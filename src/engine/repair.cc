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

const BackfillCheckpoint* checkpoint_of(const std::vector<BackfillCheckpoint>& checkpoints, const std::string& id) {
  for (const auto& c : checkpoints) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

// A paused backfill is where its operator left it, not a failure: repair leaves it.
RepairNote paused_note(const std::string& id, const BackfillCheckpoint& c, bool has_file) {
  std::string done = std::to_string(c.batches) + " batch(es), " + std::to_string(c.rows_done) + " row(s)";
  return {id, "paused",
          id + " is a backfill paused after " + done + ", not a failure: " +
              (has_file ? "'trellis backfill resume " + id + "' continues it"
                        : "its file is gone; restore it and 'trellis backfill resume " + id + "'") +
              ", or " + forget_hint(id) + " to drop its row and checkpoint"};
}

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

RepairPlan plan_repair(const Graph& graph, const StateIndex& state, const std::vector<BackfillCheckpoint>& checkpoints) {
  RepairPlan plan;
  const StateIndex::ByNode& rows = state.by_node(graph);
  auto checkpoint = [&](const StateRow& row) -> std::optional<BackfillCheckpoint> {
    const BackfillCheckpoint* c = checkpoint_of(checkpoints, row.id);
    return c != nullptr ? std::optional<BackfillCheckpoint>(*c) : std::nullopt;
  };
  for (const StateRow* row : rows.orphans) {
    const BackfillCheckpoint* c = checkpoint_of(checkpoints, row->id);
    if (row->status != RecordStatus::kApplied && c != nullptr && c->status == BackfillStatus::kPaused) {
      plan.notes.push_back(paused_note(row->id, *c, false));
      continue;
    }
    if (row->status == RecordStatus::kApplied) {
      plan.notes.push_back({row->id, "missing-file",
                            row->id + " is recorded as applied but has no migration file: restore the file, or " +
                                forget_hint(row->id) + " if you undid it by hand"});
      continue;
    }
    plan.changes.push_back({RepairChange::Why::kFileGone, *row, "", false, checkpoint(*row)});
  }
  for (Node n = 0; n < graph.size(); ++n) {
    const StateRow* row = rows.by_node[n];
    if (row == nullptr) continue;
    const Migration& m = graph.at(n);
    const BackfillCheckpoint* c = checkpoint_of(checkpoints, row->id);
    if (row->status != RecordStatus::kApplied && c != nullptr && c->status == BackfillStatus::kPaused) {
      plan.notes.push_back(paused_note(m.id, *c, true));
    } else if (row->status == RecordStatus::kFailed && row->statements_done == 0) {
      RepairChange change{RepairChange::Why::kClearFailure, *row, m.path, row->checksum != m.checksum, std::nullopt};
      if (c != nullptr && c->checksum != m.checksum) change.checkpoint = *c;  // the batches ran another file
      plan.changes.push_back(std::move(change));
    } else {
      note_present(m, *row, plan);
    }
  }
  return plan;
}

void run_repair(Driver& driver, const RepairPlan& plan) {
  driver.connection().begin(Timeouts{});
  try {
    for (const auto& c : plan.changes) {
      driver.state().forget(c.row.id, history_event(c.row.id, c.row.checksum, "repair"));
      if (c.checkpoint) driver.state().remove_checkpoint(c.row.id);
    }
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
    for (const auto& r : rows) {
      driver.state().forget(r.id, history_event(r.id, r.checksum, "forget"));
      driver.state().remove_checkpoint(r.id);
    }
    driver.connection().commit();
  } catch (...) {
    driver.connection().rollback();
    throw;
  }
}

namespace {

std::vector<BackfillCheckpoint> checkpoints_of(const std::vector<StateRow>& rows, const std::vector<BackfillCheckpoint>& all) {
  std::vector<BackfillCheckpoint> out;
  for (const auto& r : rows) {
    if (const BackfillCheckpoint* c = checkpoint_of(all, r.id)) out.push_back(*c);
  }
  return out;
}

}  // namespace

RepairReport preview_repair(const Workspace& ws) {
  auto driver = ws.connect(OpenMode::kReadOnly);
  RepairReport report;
  report.plan = plan_repair(ws.graph(), StateIndex(driver->state().load_rows()), driver->state().load_checkpoints());
  report.target = driver->display_target();
  return report;
}

RepairReport repair_state(const Workspace& ws, Millis lock_wait, const std::function<bool(const RepairReport&)>& confirm) {
  auto driver = ws.connect_to_write(lock_wait);
  RepairReport report;
  report.plan = plan_repair(ws.graph(), StateIndex(driver->state().load_rows()), driver->state().load_checkpoints());
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
  report.checkpoints = checkpoints_of(report.rows, driver->state().load_checkpoints());
  report.target = driver->display_target();
  return report;
}

ForgetReport forget_rows(const Workspace& ws, const std::vector<std::string>& ids, Millis lock_wait,
                         const std::function<bool(const ForgetReport&)>& confirm) {
  auto driver = ws.connect_to_write(lock_wait);
  ForgetReport report;
  report.rows = plan_forget(ws.graph(), StateIndex(driver->state().load_rows()), ids);
  report.checkpoints = checkpoints_of(report.rows, driver->state().load_checkpoints());
  report.target = driver->display_target();
  if (report.rows.empty() || !confirm(report)) return report;
  run_forget(*driver, report.rows);
  report.done = true;
  return report;
}

}  // namespace trellis
