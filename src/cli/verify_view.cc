#include "cli/verify_view.h"

#include "cli/output.h"

namespace trellis::cli {
namespace {

using nlohmann::json;

std::string plural(std::size_t n, const std::string& one, const std::string& many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// The words for an order finding's differences: the expected side ran `first` first.
DifferenceWords order_words(const OrderFinding& f) {
  return DifferenceWords{"only when " + f.first.id + " runs first", "only when " + f.second.id + " runs first"};
}

DifferenceWords stairway_words() {
  return DifferenceWords{"removed by the down (it was there before the up)", "left behind by the down"};
}

const char* order_type(OrderFinding::Type t) {
  switch (t) {
    case OrderFinding::Type::kSchemasDiffer: return "schemas-differ";
    case OrderFinding::Type::kFailsInOneOrder: return "fails-in-one-order";
    case OrderFinding::Type::kFailsInEveryOrder: return "fails-in-every-order";
  }
  return "";
}

const char* stairway_type(StairwayFinding::Type t) {
  switch (t) {
    case StairwayFinding::Type::kDownFails: return "down-fails";
    case StairwayFinding::Type::kDownDiffers: return "down-differs";
    case StairwayFinding::Type::kSecondUpFails: return "second-up-fails";
  }
  return "";
}

const char* difference_type(SchemaDifference::Type t) {
  switch (t) {
    case SchemaDifference::Type::kMissing: return "missing";
    case SchemaDifference::Type::kUnexpected: return "unexpected";
    case SchemaDifference::Type::kDiffers: return "differs";
  }
  return "";
}

// One difference a line; a value of several lines (a function's definition) indented
// under it.
void print_differences(const std::vector<SchemaDifference>& differences, const DifferenceWords& words) {
  for (const auto& d : differences) {
    std::string text = describe_difference(d, words);
    while (!text.empty() && text.back() == '\n') text.pop_back();
    std::string indented;
    for (char c : text) indented += c == '\n' ? std::string("\n        ") : std::string(1, c);
    Output::get().line("      " + indented);
  }
}

void print_order_finding(const OrderFinding& f) {
  const Output& out = Output::get();
  std::string error = out.paint(Style::kRed, "error") + ": ";
  if (f.type == OrderFinding::Type::kFailsInEveryOrder) {
    out.line("  " + error + f.first.id + " fails in every order (" + f.first.path + "):");
    out.line("      " + f.failure_first_before->describe());
    return;
  }
  std::string what = f.type == OrderFinding::Type::kSchemasDiffer ? "the schema" : "whether the plan runs";
  out.line("  " + error + "the order of " + f.first.id + " and " + f.second.id + " changes " + what);
  out.line("    orders that end differently from the planner's: " + join(f.orders));
  if (f.type == OrderFinding::Type::kSchemasDiffer) {
    out.line("    " + f.first.id + " first vs " + f.second.id + " first:");
    print_differences(f.differences, order_words(f));
  }
  if (f.failure_first_before)
    out.line("    with " + f.first.id + " first: " + f.failure_first_before->describe());
  if (f.failure_second_before)
    out.line("    with " + f.second.id + " first: " + f.failure_second_before->describe());
  out.line("    fix: add \"-- requires: " + f.requires_id + "\" to " + f.add_to.path +
           " (or make the two independent)");
}

void print_stairway_finding(const StairwayFinding& f) {
  const Output& out = Output::get();
  std::string head = "  " + out.paint(Style::kRed, "error") + ": " + f.migration.id + " (" + f.migration.path + "): ";
  switch (f.type) {
    case StairwayFinding::Type::kDownFails:
      out.line(head + "its down fails after its up:");
      break;
    case StairwayFinding::Type::kDownDiffers:
      out.line(head + "its down does not restore the schema from before its up:");
      break;
    case StairwayFinding::Type::kSecondUpFails:
      out.line(head + "its up fails when run again after its down:");
      break;
  }
  if (f.failure) out.line("      " + f.failure->describe());
  print_differences(f.differences, stairway_words());
}

std::string what_ran(const std::string& env, const VerifyReport& r) {
  std::string scope = r.all ? "of the project (--all)" : "of the plan of environment '" + env + "' on an empty database";
  return plural(r.migrations, "migration", "migrations") + " " + scope + ", on " + r.scratch;
}

json failure_json(const std::optional<VerifyFailure>& f) {
  if (!f) return nullptr;
  return {{"id", f->migration.id}, {"file", f->migration.path}, {"down", f->down},
          {"statement", f->statement}, {"line", f->line}, {"error", f->error}, {"message", f->describe()}};
}

json migration_json(const VerifyMigration& m) {
  if (m.id.empty()) return nullptr;
  return {{"id", m.id}, {"file", m.path}};
}

json differences_json(const std::vector<SchemaDifference>& differences, const DifferenceWords& words) {
  json out = json::array();
  for (const auto& d : differences) {
    json changes = json::array();
    for (const auto& c : d.changes)
      changes.push_back({{"property", c.property},
                         {"expected", c.expected ? json(*c.expected) : json(nullptr)},
                         {"actual", c.actual ? json(*c.actual) : json(nullptr)}});
    out.push_back({{"type", difference_type(d.type)}, {"kind", schema_kind_name(d.kind)}, {"name", d.name},
                   {"changes", changes}, {"message", describe_difference(d, words)}});
  }
  return out;
}

}  // namespace

void print_verify_report(const std::string& env, const VerifyReport& r) {
  const Output& out = Output::get();
  out.line("verify: " + what_ran(env, r));
  std::vector<std::string> names;
  for (const auto& o : r.orders) names.push_back(o.name);
  std::string fewer = static_cast<int>(r.orders.size()) < r.orders_asked
                          ? " (no more distinct orders exist: " + std::to_string(r.orders_asked) + " asked)"
                          : "";
  out.line("  " + plural(r.orders.size(), "order", "orders") + ": " + join(names) + fewer + "; seed " +
           std::to_string(r.seed) + " (--seed " + std::to_string(r.seed) + " repeats them)");
  for (const auto& f : r.order_findings) print_order_finding(f);
  if (r.stairway) {
    out.line("  stairway (up, down, up): " + plural(r.stairway_checked, "migration", "migrations") + " checked, " +
             std::to_string(r.irreversible) + " irreversible");
    for (const auto& f : r.stairway_findings) print_stairway_finding(f);
    if (r.stairway_stopped) out.line("    stopped at " + r.stairway_stopped->migration.id + ", whose up fails");
  }
  const VerifyCounts& c = r.counts;
  out.line(out.paint(Style::kDim, "  replayed " + plural(c.sections, "section", "sections") + " on " +
                                      plural(c.databases + c.forks, "scratch database", "scratch databases") + " (" +
                                      std::to_string(c.forks) + " forked), " + plural(c.reads, "schema read", "schema reads")));
  std::size_t findings = r.order_findings.size() + r.stairway_findings.size();
  if (r.ok()) {
    std::string held = r.stairway ? ", every down undoes its up" : "";
    out.line(out.paint(Style::kGreen, "verify passed") + ": the orders agree" + held);
  } else {
    out.line(out.paint(Style::kRed, "verify failed") + ": " + plural(findings, "finding", "findings"));
  }
}

json verify_json(const VerifyReport& r) {
  json orders = json::array();
  for (const auto& o : r.orders) orders.push_back({{"name", o.name}, {"ids", o.ids}, {"failure", failure_json(o.failure)}});
  json order_findings = json::array();
  for (const auto& f : r.order_findings) {
    json fix = nullptr;
    if (!f.requires_id.empty()) fix = {{"file", f.add_to.path}, {"add", "-- requires: " + f.requires_id}};
    order_findings.push_back({{"type", order_type(f.type)}, {"first", migration_json(f.first)},
                              {"second", migration_json(f.second)}, {"orders", f.orders},
                              {"failure_first_before", failure_json(f.failure_first_before)},
                              {"failure_second_before", failure_json(f.failure_second_before)},
                              {"differences", differences_json(f.differences, order_words(f))}, {"fix", fix}});
  }
  json stairway_findings = json::array();
  for (const auto& f : r.stairway_findings)
    stairway_findings.push_back({{"type", stairway_type(f.type)}, {"migration", migration_json(f.migration)},
                                 {"failure", failure_json(f.failure)},
                                 {"differences", differences_json(f.differences, stairway_words())}});
  const VerifyCounts& c = r.counts;
  return {{"ok", r.ok()}, {"seed", r.seed}, {"all", r.all}, {"migrations", r.migrations},
          {"scratch", r.scratch}, {"orders_asked", r.orders_asked}, {"orders", orders},
          {"order_findings", order_findings},
          {"stairway", {{"ran", r.stairway}, {"checked", r.stairway_checked}, {"irreversible", r.irreversible},
                        {"findings", stairway_findings}, {"stopped", failure_json(r.stairway_stopped)}}},
          {"counts", {{"sections", c.sections}, {"reads", c.reads}, {"databases", c.databases},
                      {"forks", c.forks}, {"bisect_replays", c.bisect_replays}}}};
}

}  // namespace trellis::cli
