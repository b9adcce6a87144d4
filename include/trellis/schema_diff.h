// trellis/schema_diff.h — the `diff` use case: the schema models of two sources compared
// object by object. A source is an environment of the project ("staging"), a database URL
// ("postgres://…", "sqlite:dev.db"), or a file that `trellis schema --json` wrote
// ("prod-schema.json"), so that a snapshot taken where production is reachable can be
// compared in CI where it is not.
#pragma once

#include <string>
#include <vector>

#include "trellis/schema.h"

namespace trellis {

struct SchemaSource {
  std::string label;  // for messages: "staging (postgres://app:***@db/shop)", "prod.json"
  SchemaModel model;
};

// Reads the model of `spec`: a file ending in .json that exists, else a URL some backend
// accepts, else an environment of the project in `root`. Opens databases read-only.
// Throws Error(kUsage) for a spec that is none of these (naming the environments),
// Error(kParse) for a file that is no schema JSON, Error(kConnection) for an unreachable
// database.
SchemaSource read_schema_source(const std::string& spec, const std::string& root);

struct SchemaDiffOptions {
  std::vector<std::string> ignore;  // patterns as SchemaModel::remove_matching takes them
};

struct SchemaDiffReport {
  std::vector<SchemaDifference> differences;  // from → to
  std::vector<std::string> lines;             // one describe_difference() per difference
};

// Compares `from` with `to` (both normalized). Throws Error(kUsage) when they are models of
// different backends.
SchemaDiffReport diff_sources(const SchemaSource& from, const SchemaSource& to, const SchemaDiffOptions& options);

}  // namespace trellis
