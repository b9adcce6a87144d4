// cmd_diff.cc — `trellis diff FROM TO`: two schemas compared object by object.
#include "cli/commands.h"
#include "cli/output.h"
#include "trellis/error.h"
#include "trellis/schema_diff.h"

namespace trellis::cli {
namespace {

const char* type_name(SchemaDifference::Type t) {
  switch (t) {
    case SchemaDifference::Type::kMissing: return "only-in-from";
    case SchemaDifference::Type::kUnexpected: return "only-in-to";
    case SchemaDifference::Type::kDiffers: return "differs";
  }
  return "differs";
}

nlohmann::json differences_json(const SchemaDiffReport& report) {
  nlohmann::json arr = nlohmann::json::array();
  for (std::size_t i = 0; i < report.differences.size(); ++i) {
    const SchemaDifference& d = report.differences[i];
    nlohmann::json changes = nlohmann::json::array();
    for (const auto& c : d.changes)
      changes.push_back({{"property", c.property}, {"from", c.expected ? nlohmann::json(*c.expected) : nlohmann::json()},
                         {"to", c.actual ? nlohmann::json(*c.actual) : nlohmann::json()}});
    arr.push_back({{"type", type_name(d.type)}, {"kind", schema_kind_name(d.kind)}, {"name", d.name},
                   {"changes", changes}, {"message", report.lines[i]}});
  }
  return arr;
}

}  // namespace

Runner setup_diff(CLI::App& sub, const Globals& g) {
  auto from = std::make_shared<std::string>();
  auto to = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  auto ignore = std::make_shared<std::vector<std::string>>();
  sub.add_option("FROM", *from, "An environment, a database URL, or a file `trellis schema --json` wrote")->required();
  sub.add_option("TO", *to, "The same kinds as FROM")->required();
  sub.add_flag("--json", *json, "Machine-readable output (see docs/json.md)");
  sub.add_option("--ignore", *ignore, "Leave out objects matching KIND:NAME ('*' matches any run of characters), "
                                      "e.g. table:audit_*; repeatable")
      ->type_name("PATTERN");
  sub.footer(
      "Compares two schema models object by object: tables, columns, constraints, indexes, views, "
      "sequences, functions, triggers, types, extensions, policies and comments, as each database's "
      "catalog describes them (docs/schema.md). A column's position is not compared. Databases are "
      "opened read-only. Exit 0 when the schemas are the same, 1 when they differ, 2 for a FROM or "
      "TO that is none of the accepted kinds, 3 when a database cannot be reached.\n\n"
      "  trellis diff staging production\n"
      "  trellis schema --json -e production > prod.json   # where production is reachable\n"
      "  trellis diff prod.json sqlite:dev.db");
  return [&g, from, to, json, ignore]() {
    for (const auto& pattern : *ignore) check_object_pattern(pattern, "--ignore");
    SchemaSource a = read_schema_source(*from, g.dir);
    SchemaSource b = read_schema_source(*to, g.dir);
    SchemaDiffReport report = diff_sources(a, b, SchemaDiffOptions{*ignore});
    const Output& out = Output::get();
    bool same = report.differences.empty();
    if (*json) {
      out.json({{"from", a.label}, {"to", b.label}, {"same", same}, {"differences", differences_json(report)}});
    } else {
      out.line("Comparing " + out.paint(Style::kBold, a.label) + " with " + out.paint(Style::kBold, b.label));
      for (const auto& line : report.lines) out.line("  " + line);
      out.line(same ? out.paint(Style::kGreen, "The schemas are the same (" + std::to_string(b.model.objects.size()) + " objects)")
                    : out.paint(Style::kRed, std::to_string(report.differences.size()) + " difference(s)"));
    }
    return static_cast<int>(same ? ExitCode::kOk : ExitCode::kFailed);
  };
}

}  // namespace trellis::cli
