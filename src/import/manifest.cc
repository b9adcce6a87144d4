// .trellis-import.toml: one [[import]] table per run, with a [[import.migration]] per
// migration (its Trellis id, the source version and files, notes) and [[import.tag]] per
// Sqitch tag. A later import appends its own table.
#include <cstdio>

#include "import/writer.h"
#include "util/text.h"

namespace trellis::imports {
namespace {

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

std::string array(const std::vector<std::string>& items) {
  std::vector<std::string> q;
  for (const auto& s : items) q.push_back(quoted(s));
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
  t += "\n[[import]]\ntool = " + quoted(options.tool) + "\nsource = " + quoted(options.source_dir) +
       "\nfeatures = " + array(c.report.features) + "\n";
  if (!c.report.history_table.empty()) t += "history_table = " + quoted(c.report.history_table) + "\n";
  if (!c.report.history_schema.empty()) t += "history_schema = " + quoted(c.report.history_schema) + "\n";
  for (const ImportedMigration& m : c.report.migrations) {
    t += "\n[[import.migration]]\nid = " + quoted(m.id) + "\nsource_version = " + quoted(m.source_version) +
         "\nsource_files = " + array(m.source_files) + "\n";
    if (!m.source_parents.empty()) t += "source_parents = " + array(m.source_parents) + "\n";
    if (!m.requires_ids.empty()) t += "requires = " + array(m.requires_ids) + "\n";
    if (!m.notes.empty()) t += "notes = " + array(m.notes) + "\n";
  }
  for (const std::string& tag : c.report.tags) {
    auto at = tag.find(" after ");
    t += "\n[[import.tag]]\nname = " + quoted(tag.substr(0, at)) + "\nafter = " + quoted(tag.substr(at + 7)) + "\n";
  }
  return t;
}

}  // namespace trellis::imports
