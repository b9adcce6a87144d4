// trellis repair, trellis forget ID: show what changes in the bookkeeping, ask (confirm.h),
// change it under the runner lock, recorded in history.
#include "cli/commands.h"
#include "cli/confirm.h"
#include "cli/output.h"
#include "trellis/error.h"
#include "trellis/repair.h"

namespace trellis::cli {
namespace {

[[noreturn]] void not_confirmed() {
  throw Error(ErrorKind::kUsage, "not confirmed: nothing was changed", "pass --yes to change it without asking");
}

std::string checkpoint_text(const BackfillCheckpoint& c) {
  return "its backfill checkpoint (" + std::to_string(c.batches) + " batch(es), " + std::to_string(c.rows_done) +
         " row(s), " + std::string(backfill_status_name(c.status)) + ")";
}

std::string change_text(const RepairChange& c) {
  std::string also = c.checkpoint ? ", with " + checkpoint_text(*c.checkpoint) : "";
  if (c.why == RepairChange::Why::kFileGone) return "remove the row" + also + ": its migration file is gone";
  if (c.checkpoint) return "clear the failure" + also + ": the file changed since, apply starts the backfill over";
  return std::string("clear the failure: apply runs it again") +
         (c.file_changed ? " (file changed since)" : " (the file that failed)");
}

void print_repair_plan(const RepairReport& r, const std::string& heading) {
  const Output& out = Output::get();
  out.line(out.paint(Style::kBold, heading));
  std::vector<std::vector<std::string>> rows;
  for (const auto& c : r.plan.changes) {
    std::string status = record_status_name(c.row.status);
    if (c.row.status == RecordStatus::kRunning) status = "interrupted";
    rows.push_back({c.row.id, out.paint(style_for_state(status), status), change_text(c)});
  }
  out.table({"migration", "recorded", "change"}, rows);
}

void print_notes(const RepairPlan& plan) {
  if (plan.notes.empty()) return;
  const Output& out = Output::get();
  out.line("Left as they are:");
  for (const auto& n : plan.notes) out.line("  " + n.message);
}

nlohmann::json repair_json(const RepairReport& r, bool dry_run) {
  nlohmann::json changes = nlohmann::json::array();
  for (const auto& c : r.plan.changes) {
    bool gone = c.why == RepairChange::Why::kFileGone;
    changes.push_back({{"id", c.row.id},
                       {"status", c.row.status == RecordStatus::kRunning ? "interrupted" : record_status_name(c.row.status)},
                       {"action", gone ? "remove" : "clear-failure"},
                       {"file", string_or_null(c.file)},
                       {"file_changed", gone ? nlohmann::json(nullptr) : nlohmann::json(c.file_changed)},
                       {"checkpoint_removed", c.checkpoint.has_value()},
                       {"error", string_or_null(c.row.error)}});
  }
  nlohmann::json notes = nlohmann::json::array();
  for (const auto& n : r.plan.notes) notes.push_back({{"id", n.id}, {"kind", n.kind}, {"message", n.message}});
  return {{"target", r.target}, {"dry_run", dry_run}, {"done", r.done}, {"changes", changes}, {"notes", notes}};
}

int repair(const Workspace& ws, const Consent& consent, bool json, Millis lock_wait) {
  const Output& out = Output::get();
  auto finish = [&](const RepairReport& r) {
    if (json) out.json(repair_json(r, consent.dry_run));
    else print_notes(r.plan);
    return 0;
  };
  RepairReport preview = preview_repair(ws);
  if (preview.plan.changes.empty()) {
    if (!json) out.line("Nothing to repair in " + preview.target + ": no failed or interrupted row to change");
    return finish(preview);
  }
  if (consent.dry_run) {
    if (!json) print_repair_plan(preview, "Would change " + std::to_string(preview.plan.changes.size()) +
                                              " row(s) of trellis' bookkeeping in " + preview.target + " (dry run):");
    return finish(preview);
  }
  if (!json && !consent.yes && !on_terminal()) print_repair_plan(preview, "Repair would change, in " + preview.target + ":");
  consent.require_answerable("repair");
  RepairReport r = repair_state(ws, lock_wait, [&](const RepairReport& locked) {
    std::size_t n = locked.plan.changes.size();
    if (!json) print_repair_plan(locked, "Changing " + std::to_string(n) + " row(s) of trellis' bookkeeping in " +
                                             locked.target + "; nothing runs against the schema:");
    return consent.ask("Change " + std::to_string(n) + " row(s) in " + locked.target + "?");
  });
  if (r.plan.changes.empty()) {
    if (!json) out.line("Nothing to repair in " + r.target + " any more: another run changed it meanwhile");
    return finish(r);
  }
  if (!r.done) not_confirmed();
  if (!json) {
    out.line(out.paint(Style::kGreen, "Repaired ") + std::to_string(r.plan.changes.size()) +
             " row(s), each recorded in history as 'repair' ('trellis history')");
    for (const auto& c : r.plan.changes) {
      if (c.why == RepairChange::Why::kClearFailure) out.line("  " + c.row.id + " is pending: 'trellis apply' runs it again");
    }
  }
  return finish(r);
}

void print_forget_plan(const Workspace& ws, const ForgetReport& r, const std::string& heading) {
  const Output& out = Output::get();
  out.line(out.paint(Style::kBold, heading));
  std::vector<std::vector<std::string>> rows;
  for (const auto& row : r.rows) {
    auto n = ws.graph().find(row.id);
    std::string status = row.status == RecordStatus::kRunning ? "interrupted" : record_status_name(row.status);
    rows.push_back({row.id, out.paint(style_for_state(status), status), row.checksum.substr(0, 12),
                    n ? ws.graph().at(*n).path : "(no file)"});
  }
  out.table({"migration", "recorded", "checksum", "file"}, rows);
  for (const auto& c : r.checkpoints) out.line("  and " + c.id + "'s " + checkpoint_text(c).substr(4));
}

int forget(const Workspace& ws, const Consent& consent, const std::vector<std::string>& ids, Millis lock_wait) {
  const Output& out = Output::get();
  ForgetReport preview = preview_forget(ws, ids);
  std::string count = std::to_string(preview.rows.size());
  if (consent.dry_run) {
    print_forget_plan(ws, preview, "Would forget " + count + " row(s) in " + preview.target + " (dry run):");
    return 0;
  }
  if (!consent.yes && !on_terminal()) print_forget_plan(ws, preview, "Forget would remove, in " + preview.target + ":");
  consent.require_answerable("forget");
  ForgetReport r = forget_rows(ws, ids, lock_wait, [&](const ForgetReport& locked) {
    std::string n = std::to_string(locked.rows.size());
    print_forget_plan(ws, locked, "Forgetting " + n + " row(s) in " + locked.target +
                                      "; nothing runs against the schema, which stays as it is:");
    return consent.ask("Forget " + n + " row(s) in " + locked.target + "?");
  });
  if (!r.done) not_confirmed();
  out.line(out.paint(Style::kGreen, "Forgot ") + std::to_string(r.rows.size()) +
           " row(s), each recorded in history as 'forget' ('trellis history')");
  for (const auto& row : r.rows) {
    out.line("  " + row.id + (ws.graph().find(row.id) ? " is pending: 'trellis apply' runs it again"
                                                       : " has no file: nothing will run it"));
  }
  return 0;
}

void add_lock_wait(CLI::App& sub, std::string& into) {
  sub.add_option("--lock-wait", into, "How long to wait for another runner's lock (default: lock_wait setting, 60s)")
      ->type_name("DURATION");
}

}  // namespace

Runner setup_repair(CLI::App& sub, const Globals& g) {
  auto consent = std::make_shared<Consent>();
  auto json = std::make_shared<bool>(false);
  auto lock_wait = std::make_shared<std::string>();
  consent->add_flags(sub);
  add_lock_wait(sub, *lock_wait);
  sub.add_flag("--json", *json, "Machine-readable output (see docs/json.md)");
  sub.footer(
      "Fixes the bookkeeping after a failure; nothing runs against the schema. A failed or interrupted row whose "
      "migration file is gone is removed. A failed migration whose file is present, of which nothing committed, "
      "has its failure cleared: it is pending again and the next apply runs it (status and check stop reporting "
      "it). Left as they are, each with what to do: applied migrations whose file was edited ('trellis accept'), "
      "applied rows whose file is gone and rows whose rollback failed ('trellis forget ID' after undoing them by "
      "hand), failed migrations with committed statements and interrupted ones (apply resumes them). Shows the "
      "rows it changes and asks on a terminal; without one it needs --yes (exit 2, nothing changed). Takes the "
      "runner lock (exit 3 when another runner holds it). Each change is a 'repair' event in history.");
  return [&g, consent, json, lock_wait]() {
    std::optional<Millis> wait = parse_lock_wait(*lock_wait);
    Workspace ws = g.workspace();
    return repair(ws, *consent, *json, wait.value_or(ws.env().settings.runner_lock_wait));
  };
}

Runner setup_forget(CLI::App& sub, const Globals& g) {
  auto consent = std::make_shared<Consent>();
  auto ids = std::make_shared<std::vector<std::string>>();
  sub.add_option("ID", *ids, "Migrations whose row to remove (an id recorded without a file too)")->required();
  auto lock_wait = std::make_shared<std::string>();
  consent->add_flags(sub);
  add_lock_wait(sub, *lock_wait);
  sub.footer(
      "For after you undid a migration by hand: removes its row (applied, failed or interrupted), so it is "
      "pending again and the next apply runs it; nothing runs against the schema. Refused (exit 2, nothing "
      "changed) for an id that names no migration file and no recorded row, for a migration with no row, and "
      "when a migration still applied depends on one you forget (name it too, or roll it back first). Shows the "
      "rows and asks on a terminal; without one it needs --yes. Takes the runner lock (exit 3 when another "
      "runner holds it). Each row is a 'forget' event in history.");
  return [&g, consent, ids, lock_wait]() {
    std::optional<Millis> wait = parse_lock_wait(*lock_wait);
    Workspace ws = g.workspace();
    return forget(ws, *consent, *ids, wait.value_or(ws.env().settings.runner_lock_wait));
  };
}

}  // namespace trellis::cli
