// trellis/integrity.h — does the database's history agree with the files?
#pragma once

#include <string>
#include <vector>

#include "trellis/diagnostic.h"
#include "trellis/graph.h"
#include "trellis/plan.h"

namespace trellis {

// One problem of the database's history against the files. `code` is its kind
// ("checksum-mismatch", "missing-file", "out-of-order", "failed", "interrupted",
// "rollback-failed", "unknown-feature"; `status` adds "leftover", `check` "plan", "parse",
// "conflict", "lint"), `id` the migration concerned.
using Finding = Diagnostic;
Finding make_finding(std::string kind, Severity severity, std::string id, std::string file, int line,
                     std::string message);

// Edited applied files, applied ids whose file is gone, pending migrations numbered below
// an applied one of their own feature, failed and interrupted migrations.
std::vector<Finding> integrity_findings(const Graph& graph, const StateIndex& state);

// Release lists (`features = [...]` of any environment in trellis.toml) naming a feature
// that has no migrations directory: errors of kind "unknown-feature", with the nearest
// feature name as a suggestion.
std::vector<Finding> release_list_findings(const Config& config, const Graph& graph);

// `trellis check`'s view: a failed or interrupted migration needs a person, so those
// findings become errors.
void failures_as_errors(std::vector<Finding>& findings);

// Throws Error(kPlan) listing every applied migration whose file changed since, with the
// way out: revert the file or `trellis accept` it. Runs before anything is applied.
void refuse_edited(const Graph& graph, const StateIndex& state);

// The first 12 hex digits, for messages.
std::string short_checksum(const std::string& checksum);

}  // namespace trellis
