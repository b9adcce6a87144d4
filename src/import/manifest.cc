// .trellis-import.toml: one [[import]] table per run, with a [[import.migration]] per
// migration (its Trellis id, the source version and files, notes) and [[import.tag]] per
// Sqitch tag. A later import appends its own table.
#include <cstdio>

#include "import/source_files.h"
#include "import/writer.h"
#include "util/text.h"

namespace trellis::imports {
namespace {

std::string array(const std::vector<std::string>& items) {
  std::vector<std::string> q;
  for (const auto& s : items) q.push_back(quoted_string(s));
  return "[" + join(q, ", ") + "]";
}

}  // namespace

std::string manifest_text(const Conversion& c, const ImportOptions& options, const std::string& existing) {
  std::string t = existing;
  if (t.empty()) {
    t = "# Written by `trellis import`: which Trellis migration came from which source migration.\n"
        "# `trellis adopt` and people read it; Trellis itself does not need it to run.\n";
  }
  if (t.back() != '\n') t += '\n';
  t += "\n[[import]]\ntool = " + quoted_string(options.tool) + "\nsource = " + quoted_string(options.source_dir) +
       "\nfeatures = " + array(c.report.features) + "\n";
  if (!c.report.history_table.empty()) t += "history_table = " + quoted_string(c.report.history_table) + "\n";
  if (!c.report.history_schema.empty()) t += "history_schema = " + quoted_string(c.report.history_schema) + "\n";
  if (!c.report.source_project.empty()) t += "project = " + quoted_string(c.report.source_project) + "\n";
  for (const ImportedMigration& m : c.report.migrations) {
    t += "\n[[import.migration]]\nid = " + quoted_string(m.id) + "\nsource_version = " + quoted_string(m.source_version) +
         "\nsource_files = " + array(m.source_files) + "\n";
    if (!m.source_parents.empty()) t += "source_parents = " + array(m.source_parents) + "\n";
    if (!m.requires_ids.empty()) t += "requires = " + array(m.requires_ids) + "\n";
    if (!m.notes.empty()) t += "notes = " + array(m.notes) + "\n";
  }
  for (const std::string& tag : c.report.tags) {
    auto at = tag.find(" after ");
    t += "\n[[import.tag]]\nname = " + quoted_string(tag.substr(0, at)) + "\nafter = " + quoted_string(tag.substr(at + 7)) + "\n";
  }
  return t;
}

}  // namespace trellis::imports
