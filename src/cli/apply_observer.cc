#include "cli/apply_observer.h"

#include <algorithm>

#include "cli/output.h"

namespace trellis::cli {

void PrintingObserver::on_start(const Migration& m, int resume_from) {
  events_.on_start(m, resume_from);
  if (quiet_) return;
  if (resume_from > 0) {
    LiveLine::Hold hold(live_);
    Output::get().line("  " + m.id + ": resuming after statement " + std::to_string(resume_from));
  }
  live_.start(m.id);
}

void PrintingObserver::on_retry(const Migration& m, int attempt, Millis wait, const std::string& why) {
  events_.on_retry(m, attempt, wait, why);
  if (quiet_) return;
  LiveLine::Hold hold(live_);
  progress_.close();
  const Output& out = Output::get();
  out.line(out.paint(Style::kYellow, "  retry ") + m.id + ": " + why + "; attempt " +
           std::to_string(attempt + 1) + " in " + format_duration(wait));
}

void PrintingObserver::on_note(const Migration& m, const std::string& note) {
  events_.on_note(m, note);
  if (quiet_) return;
  LiveLine::Hold hold(live_);
  progress_.close();
  Output::get().line("  " + m.id + ": " + note);
}

void PrintingObserver::on_batch(const Migration& m, const BackfillProgress& p) {
  events_.on_batch(m, p);
  if (quiet_) return;
  live_.stop();  // the backfill's own progress line takes its place
  progress_.update(m.id, p);
}

void PrintingObserver::on_done(const Migration& m, const StepOutcome& o) {
  events_.on_done(m, o);
  if (quiet_) return;
  live_.stop();
  progress_.close();
  const Output& out = Output::get();
  std::string result = step_result_name(o.result);
  std::string mark = o.result == StepResult::kApplied  ? "ok     "
                     : o.result == StepResult::kFailed ? "FAILED "
                                                       : result == "blocked" ? "blocked" : "not run";
  std::string id = m.id;
  id.resize(std::max(id_width_, id.size()) + 2, ' ');
  std::string line = "  " + out.paint(style_for_state(result), mark) + " " + id;
  if (o.result == StepResult::kApplied) line += out.paint(Style::kDim, std::to_string(o.duration_ms) + " ms");
  if (o.result == StepResult::kFailed) {
    // The details go to stderr, where errors belong, with the file and line first.
    std::string where = m.path + (o.line > 0 ? ":" + std::to_string(o.line) : "");
    out.err("trellis: error: " + where + ": " + m.id + " failed" +
            (o.statement > 0 ? " at statement " + std::to_string(o.statement) : "") + ": " + o.error);
  }
  if (o.result == StepResult::kBlocked) line += out.paint(Style::kDim, "depends on " + o.blocked_by);
  if (o.result == StepResult::kNotRun && !o.error.empty()) line += out.paint(Style::kDim, o.error);
  while (line.back() == ' ') line.pop_back();
  out.line(line);
}

std::size_t id_width(const Graph& g, const Plan& plan) {
  std::size_t width = 0;
  for (const auto& s : plan.steps) width = std::max(width, g.at(s.node).id.size());
  return width;
}

void print_summary(const Graph& g, const std::vector<StepOutcome>& outcomes, const char* verb,
                   const SummaryExtras& extras) {
  const Output& out = Output::get();
  int ok = 0, failed = 0, blocked = 0, not_run = 0;
  std::vector<std::vector<std::string>> rows;
  auto row = [&](Node n, const std::string& result, const std::string& why) {
    rows.push_back({g.at(n).id, out.paint(style_for_state(result), result), why});
  };
  for (const auto& o : outcomes) {
    switch (o.result) {
      case StepResult::kApplied: ++ok; break;
      case StepResult::kFailed: ++failed; break;
      case StepResult::kBlocked: ++blocked; break;
      case StepResult::kNotRun: ++not_run; break;
    }
    if (o.result == StepResult::kApplied) continue;
    std::string why = o.result == StepResult::kFailed    ? describe_failure(o)
                      : o.result == StepResult::kBlocked ? "depends on " + o.blocked_by
                      : o.error.empty()                 ? "not run (--fail-fast)"
                                                         : o.error;
    if (extras.interrupted && o.node == *extras.interrupted) {
      row(o.node, "interrupted", extras.interrupted_why);
      --not_run;
      continue;
    }
    row(o.node, step_result_name(o.result), why);
  }
  for (const auto& h : extras.held) row(h.node, "held", std::string(hold_reason_id(h.reason)) + ": " + h.detail);
  std::string summary = std::to_string(ok) + " " + verb + ", " + std::to_string(failed) + " failed, " +
                        std::to_string(blocked) + " blocked";
  if (extras.interrupted) summary += ", 1 interrupted";
  if (not_run > 0) summary += ", " + std::to_string(not_run) + " not run";
  if (!extras.held.empty()) summary += ", " + std::to_string(extras.held.size()) + " held back";
  out.line();
  if (!rows.empty()) {
    out.table({"migration", "result", "why"}, rows);
    out.line();
  }
  bool bad = failed + blocked + not_run > 0 || extras.interrupted || !extras.held.empty();
  out.line(out.paint(bad ? Style::kRed : Style::kGreen, "Summary: ") + summary);
}

}  // namespace trellis::cli
