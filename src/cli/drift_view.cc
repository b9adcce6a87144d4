// drift_view.cc — check's schema drift on the terminal and as JSON (drift_view.h).
#include "cli/drift_view.h"

#include "cli/output.h"

namespace trellis::cli {
namespace {

const char* type_name(SchemaDifference::Type type) {
  switch (type) {
    case SchemaDifference::Type::kMissing:
      return "missing";
    case SchemaDifference::Type::kUnexpected:
      return "unexpected";
    case SchemaDifference::Type::kDiffers:
      return "differs";
  }
  return "differs";
}

nlohmann::json optional_json(const std::optional<std::string>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

std::string source_of(const DriftReport& drift) {
  if (drift.from_cache) return "the schema they make as cached in .trellis/";
  return "the schema they make, replayed on " + drift.scratch;
}

}  // namespace

void print_drift(const DriftReport& drift, const std::vector<Finding>& findings) {
  const Output& out = Output::get();
  for (const Finding& f : findings) {
    if ((f.code == "replay-failed" || f.code == "drift-not-checked") && !f.hint.empty())
      out.line("    help: " + f.hint);
  }
  if (!drift.compared) return;
  std::string of = std::to_string(drift.migrations) + " applied migration(s)";
  std::string ignored =
      drift.ignored == 0 ? "" : "; " + std::to_string(drift.ignored) + " object(s) left out by [drift] ignore";
  if (drift.differences.empty()) {
    out.line("schema: matches its " + of + " (" + source_of(drift) + ignored + ")");
  } else {
    out.line("schema: " + std::to_string(drift.differences.size()) + " difference(s) from its " + of + " (" +
             source_of(drift) + ignored + ")");
  }
}

nlohmann::json drift_json(const DriftReport& drift) {
  nlohmann::json differences = nlohmann::json::array();
  for (const SchemaDifference& d : drift.differences) {
    nlohmann::json changes = nlohmann::json::array();
    for (const PropertyChange& c : d.changes)
      changes.push_back({{"property", c.property}, {"expected", optional_json(c.expected)}, {"actual", optional_json(c.actual)}});
    differences.push_back(
        {{"type", type_name(d.type)}, {"object_kind", schema_kind_name(d.kind)}, {"name", d.name}, {"changes", changes}});
  }
  nlohmann::json from = nlohmann::json(nullptr);
  if (drift.compared) from = drift.from_cache ? "cache" : "replay";
  return {{"compared", drift.compared}, {"expected_from", from}, {"migrations", drift.migrations}, {"scratch", drift.scratch.empty() ? nlohmann::json(nullptr) : nlohmann::json(drift.scratch)}, {"ignored", drift.ignored}, {"differences", differences}};
}

}  // namespace trellis::cli
