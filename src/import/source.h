// source.h — another tool's migrations as the importer reads them, before they become
// Trellis files: one SourceMigration per migration in the source tool's own order.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "trellis/diagnostic.h"

namespace trellis::imports {

// One SQL section, its bytes as the source has them, with the source line of each of its
// lines (for messages about it).
struct SourceSection {
  bool present = false;
  std::string sql;
  std::string file;            // relative to the source directory
  std::vector<int> line_of;    // line_of[k]: the source line of the section's line k
  bool transactional = true;   // the source tool's transaction rule, decided per section

  // Appends one line (with its line break, if it has one) that is line `source_line` of `file`.
  void add_line(std::string_view text, int source_line);
  // The section is the whole of `content`, the text of `file`.
  void whole_file(std::string_view content, const std::string& file);
  int source_line(int k) const { return k >= 0 && k < static_cast<int>(line_of.size()) ? line_of[k] : 0; }
};

struct SourceMigration {
  std::string version;    // the source tool's version, change name or revision
  std::string name;       // becomes the Trellis slug
  std::string file;       // where it is declared (its up file, or the plan file)
  int line = 0;           // the declaring line (a plan's), or 0
  std::string feature;    // when the source names one (the DAG form), else ""
  bool root = false;      // starts a line of history: without a feature, the default one,
                          // whatever its parents (an Alembic root that depends_on others)
  std::vector<std::size_t> parents;    // indices (in Source::migrations, earlier) it requires
  std::vector<std::size_t> conflicts;  // indices (earlier) it must not be applied with (Sqitch `!`)
  std::vector<std::string> comments;   // header comment lines, without "-- "
  std::vector<std::string> notes;      // for the manifest and the report
  std::vector<std::string> files;      // source files it came from
  SourceSection up, down;              // !down.present: forward-only
};

struct Source {
  std::vector<SourceMigration> migrations;  // in the source tool's order
  std::vector<std::pair<std::string, std::size_t>> tags;  // tag -> index of the migration it follows
  std::vector<std::string> warnings;
  bool keep_numbers = true;  // false when the tool's order is not by integer version
  // Where the tool records what is applied, when the source says (Alembic's version_table).
  std::string history_table, history_schema;
  std::string project;       // Sqitch: the plan's %project (its registry rows carry it)
};

// Every problem of a source, collected; the importer throws them at once.
struct Problems {
  std::vector<Diagnostic> list;
  void add(const std::string& file, int line, std::string message, std::string hint = {});
  bool empty() const { return list.empty(); }
};

// The readers, one per tool; `dir` is the source directory as given (messages name files
// under it). Problems are collected, never thrown, except an unreadable directory.
Source read_golang_migrate(const std::string& dir, Problems& problems);
Source read_dbmate(const std::string& dir, Problems& problems);
Source read_goose(const std::string& dir, Problems& problems);
Source read_flyway(const std::string& dir, Problems& problems);
Source read_sqitch(const std::string& dir, Problems& problems);
Source read_diesel(const std::string& dir, Problems& problems);
Source read_dag(const std::string& dir, Problems& problems);
Source read_alembic(const std::string& dir, Problems& problems);

}  // namespace trellis::imports
