#include "import/writer.h"

#include <algorithm>
#include <map>

#include "project/ids.h"
#include "project/migration_parser.h"
#include "trellis/migration.h"
#include "util/text.h"

namespace trellis::imports {
namespace {

// --split-by requires: the migrations connected through their parents (requires), in
// either direction, form one feature, named after the group's first migration.
std::vector<std::string> groups_of(const Source& source) {
  std::vector<std::size_t> first(source.migrations.size());
  for (std::size_t i = 0; i < first.size(); ++i) first[i] = i;
  auto find = [&](std::size_t i) {
    while (first[i] != i) i = first[i] = first[first[i]];
    return i;
  };
  for (std::size_t i = 0; i < first.size(); ++i) {
    for (std::size_t p : source.migrations[i].parents) {
      std::size_t a = find(i), b = find(p);
      first[std::max(a, b)] = std::min(a, b);  // the earlier one names the group
    }
  }
  std::vector<std::string> features;
  for (std::size_t i = 0; i < first.size(); ++i) features.push_back(source.migrations[find(i)].name);
  return features;
}

// The feature of each migration: the one the source names, else (DAG form) its first
// parent's, else the default.
std::vector<std::string> features_of(const Source& source, const std::string& fallback) {
  std::vector<std::string> features;
  for (const SourceMigration& m : source.migrations) {
    if (!m.feature.empty()) features.push_back(m.feature);
    else if (!m.parents.empty() && !m.root) features.push_back(features[m.parents.front()]);
    else features.push_back(fallback);
  }
  return features;
}

std::string padded(std::size_t n, std::size_t width) {
  std::string s = std::to_string(n);
  return std::string(width > s.size() ? width - s.size() : 0, '0') + s;
}

// Numbers per feature in the source's order: the source's own versions when they are
// integers in the source's order (source.keep_numbers), else 1, 2, … (at least 4 digits).
std::vector<std::string> numbers_of(const Source& source, const std::vector<std::string>& features) {
  std::map<std::string, std::size_t> count, next;
  for (const auto& f : features) ++count[f];
  std::vector<std::string> numbers;
  for (std::size_t i = 0; i < source.migrations.size(); ++i) {
    if (source.keep_numbers) {
      numbers.push_back(source.migrations[i].version);
      continue;
    }
    std::size_t width = std::max<std::size_t>(4, std::to_string(count[features[i]]).size());
    numbers.push_back(padded(++next[features[i]], width));
  }
  return numbers;
}

std::string tx_directive(const SourceMigration& m) {
  bool up = m.up.transactional, down = !m.down.present || m.down.transactional;
  if (up && down) return "";
  if (!up && !down) return "-- transaction: false\n";
  return up ? "-- transaction: down=false\n" : "-- transaction: up=false\n";
}

std::string with_final_break(const std::string& sql) {
  return sql.empty() || sql.back() == '\n' ? sql : sql + "\n";
}

struct Text {
  std::string text;
  int up_first = 0, down_first = 0;  // file lines where the sections' SQL starts
};

int lines_in(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

Text file_text(const std::string& tool, const SourceMigration& m, const std::vector<std::string>& requires_ids,
               const std::vector<std::string>& conflict_ids) {
  Text t;
  t.text = "-- imported from " + tool + ": " + join(m.files, ", ") + "\n";
  for (const auto& c : m.comments) t.text += "-- " + c + "\n";
  if (!requires_ids.empty()) t.text += "-- requires: " + join(requires_ids, ", ") + "\n";
  if (!conflict_ids.empty()) t.text += "-- conflicts: " + join(conflict_ids, ", ") + "\n";
  t.text += tx_directive(m);
  t.text += "\n-- +up\n";
  t.up_first = lines_in(t.text) + 1;
  t.text += with_final_break(m.up.sql);
  if (m.down.present) {
    t.text += "-- +down\n";
    t.down_first = lines_in(t.text) + 1;
    t.text += with_final_break(m.down.sql);
  }
  return t;
}

// A problem the parser found in a written file, told at the source's file and line.
void report_back(const SourceMigration& m, const Text& t, const Diagnostic& d, Problems& problems) {
  auto in = [&](const SourceSection& s, int first) {
    return s.present && first > 0 && d.line >= first && d.line < first + static_cast<int>(s.line_of.size());
  };
  std::string message = d.message + " (Trellis could not keep this line as it is)";
  if (in(m.up, t.up_first)) return problems.add(m.up.file, m.up.source_line(d.line - t.up_first), message);
  if (in(m.down, t.down_first)) return problems.add(m.down.file, m.down.source_line(d.line - t.down_first), message);
  problems.add(m.file, m.line, d.message);
}

ImportedMigration imported(const PlannedFile& f, const Source& source, const SourceMigration& m,
                           const std::vector<std::string>& requires_ids) {
  ImportedMigration r;
  for (std::size_t p : m.parents) r.source_parents.push_back(source.migrations[p].version);
  r.id = f.id;
  r.path = f.path;
  r.source_version = m.version;
  r.source_files = m.files;
  r.requires_ids = requires_ids;
  r.up_in_transaction = m.up.transactional;
  r.has_down = m.down.present;
  r.down_in_transaction = !m.down.present || m.down.transactional;
  r.notes = m.notes;
  if (!m.down.present) r.notes.push_back("no down: forward-only");
  return r;
}

}  // namespace

Conversion convert(const Source& source, const ImportOptions& options, const std::string& migrations_dir,
                   Problems& problems) {
  Conversion c;
  c.report.tool = options.tool;
  c.report.warnings = source.warnings;
  c.report.history_table = source.history_table;
  c.report.history_schema = source.history_schema;
  c.report.source_project = source.project;
  std::vector<std::string> features =
      options.split_by == "requires" ? groups_of(source) : features_of(source, options.feature);
  std::vector<std::string> numbers = numbers_of(source, features);
  std::vector<std::string> ids(source.migrations.size());
  for (std::size_t i = 0; i < source.migrations.size(); ++i) {
    const SourceMigration& m = source.migrations[i];
    PlannedFile f;
    f.feature = features[i];
    f.number = numbers[i];
    f.slug = m.name;
    if (!is_feature_name(f.feature)) {
      problems.add(m.file, m.line, "'" + f.feature + "' cannot be a Trellis feature name",
                   "lower-case letters, digits, '_' and '-', starting with a letter or digit");
      continue;
    }
    auto name = parse_file_name(f.number + "_" + f.slug + ".sql");
    if (!name || name->slug != f.slug) {
      problems.add(m.file, m.line, "'" + m.name + "' cannot be the name of a Trellis migration: a name is " + kSlugRule,
                   "rename it in the source (file and history alike), then import again");
      continue;
    }
    f.id = f.feature + "/" + f.number + "_" + f.slug;
    ids[i] = f.id;
    f.path = migrations_dir + "/" + f.feature + "/" + f.number + "_" + f.slug + ".sql";
    std::vector<std::string> requires_ids;
    for (std::size_t p : m.parents) {
      if (features[p] != f.feature && !ids[p].empty()) requires_ids.push_back(ids[p]);
    }
    std::vector<std::string> conflict_ids;
    for (std::size_t p : m.conflicts) {
      if (!ids[p].empty()) conflict_ids.push_back(ids[p]);
    }
    Text t = file_text(options.tool, m, requires_ids, conflict_ids);
    f.text = t.text;
    Migration parsed;
    parsed.id = f.id;
    parsed.feature = f.feature;
    parsed.number = f.number;
    parsed.slug = f.slug;
    parsed.path = f.path;
    Diagnostics diag;
    parse_migration(f.text, parsed, diag);
    for (const Diagnostic& d : diag.errors) report_back(m, t, d, problems);
    if (diag.empty() && (parsed.up.sql != with_final_break(m.up.sql) ||
                         (m.down.present && parsed.down.sql != with_final_break(m.down.sql)))) {
      problems.add(m.file, m.line, "the SQL of this migration would not be kept byte for byte");
    }
    if (std::find(c.report.features.begin(), c.report.features.end(), f.feature) == c.report.features.end()) {
      c.report.features.push_back(f.feature);
    }
    c.report.migrations.push_back(imported(f, source, m, requires_ids));
    c.files.push_back(std::move(f));
  }
  if (problems.empty()) {
    for (const auto& [tag, index] : source.tags) c.report.tags.push_back(tag + " after " + ids[index]);
  }
  return c;
}

}  // namespace trellis::imports
