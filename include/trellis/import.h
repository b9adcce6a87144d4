// trellis/import.h — converting another migration tool's project into Trellis migration
// files (README.md, "Coming from another tool"; docs/import.md has each tool's rules).
//
// The source's SQL bytes are kept exactly; only Trellis directives are added around them.
// Everything is written to a temporary directory inside the project and moved into place
// at the end: a malformed source is an Error (kParse, every problem as file:line) and
// nothing is written.
#pragma once

#include <string>
#include <vector>

namespace trellis {

// The tools `trellis import --from` reads: "golang-migrate", "dbmate", "goose", "flyway",
// "sqitch", "diesel", "alembic", and "dag" (a directory per migration listing its parents).
const std::vector<std::string>& import_tool_names();

struct ImportOptions {
  std::string tool;         // one of import_tool_names()
  std::string source_dir;   // the other tool's migrations directory (or Sqitch's top directory)
  std::string project_dir;  // the Trellis project; trellis.toml is written when it has none
  std::string feature;      // the feature a linear history becomes (default "core")
  bool dry_run = false;     // decide and check everything, write nothing
};

// One migration written, with where it came from.
struct ImportedMigration {
  std::string id;                         // "core/0001_create_users"
  std::string path;                       // relative to the project root
  std::string source_version;             // the source tool's version or change name
  std::vector<std::string> source_files;  // relative to the source directory
  std::vector<std::string> requires_ids;  // `-- requires:` written
  std::vector<std::string> source_parents;  // the source versions it follows (Alembic: down_revision,
                                            // depends_on), for adopt to find what a head implies
  bool up_in_transaction = true;
  bool down_in_transaction = true;
  bool has_down = false;
  std::vector<std::string> notes;  // what the source had that Trellis keeps differently
};

struct ImportReport {
  std::string tool;
  std::vector<ImportedMigration> migrations;  // in the source tool's order
  std::vector<std::string> features;          // written, in order
  std::vector<std::string> tags;              // "v1.0 after core/0003_x" (Sqitch)
  std::vector<std::string> warnings;          // things a user must know (repeatables, verify scripts)
  std::vector<std::string> written;           // paths relative to the project root
  std::string manifest;                       // ".trellis-import.toml"
  // Where the tool records what is applied, when the source says so (Alembic: its
  // version_table and version_table_schema, as env.py configures them); "" otherwise.
  std::string history_table, history_schema;
};

// Reads the source, converts it, checks every written file with Trellis' own parser and
// moves the result into place (unless dry_run). Throws Error: kUsage (unknown tool,
// missing directory, a feature that exists), kParse (a malformed source: every problem),
// kIo.
ImportReport import_migrations(const ImportOptions& options);

// One migration of the project's import manifest (.trellis-import.toml).
struct ManifestEntry {
  std::string tool;            // the [[import]] table's tool
  std::string id;              // the Trellis id
  std::string source_version;  // the source tool's version, change name or "R__description"
  std::vector<std::string> source_parents;  // source versions it follows ([] when not recorded)
  std::string history_table, history_schema;  // the [[import]] table's, "" when it names none
};
// Every entry of `project_dir`'s manifest, in the order written; empty without one. Throws
// Error(kConfig) for a manifest that does not parse.
std::vector<ManifestEntry> read_import_manifest(const std::string& project_dir);

// Whether `a` and `b` name the same version in `tool`'s own terms (golang-migrate, goose:
// integers; Flyway: dotted parts numerically; others: the same text).
bool same_source_version(const std::string& tool, const std::string& a, const std::string& b);

}  // namespace trellis
