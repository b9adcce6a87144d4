// The pattern table, option checks, and writing a sequence as numbered migration files.
#include <filesystem>

#include "patterns/pattern_file.h"
#include "project/ids.h"
#include "trellis/error.h"
#include "trellis/scaffold.h"
#include "util/text.h"

namespace trellis {
namespace {

struct PatternEntry {
  const char* name;
  std::vector<FileSpec> (*build)(const PatternOptions&);
};

const std::vector<PatternEntry>& table() {
  static const std::vector<PatternEntry> t = {
      {"add-not-null-column", add_not_null_column}, {"add-index", add_index},
      {"add-foreign-key", add_foreign_key},         {"add-unique-constraint", add_unique_constraint},
      {"rename-column", rename_column},             {"change-column-type", change_column_type},
      {"drop-column", drop_column},
  };
  return t;
}

}  // namespace

const std::vector<std::string>& pattern_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (const auto& e : table()) n.emplace_back(e.name);
    return n;
  }();
  return names;
}

std::vector<PatternFile> render_pattern(const PatternOptions& o) {
  for (const auto& e : table()) {
    if (o.pattern != e.name) continue;
    if (o.batch_size <= 0) throw Error(ErrorKind::kUsage, "--batch-size must be a positive number");
    std::vector<PatternFile> files;
    for (const auto& spec : e.build(o)) files.push_back(render_file(spec));
    return files;
  }
  throw Error(ErrorKind::kUsage, "unknown pattern '" + o.pattern + "'", "patterns: " + join(pattern_names(), ", "));
}

std::vector<std::string> write_pattern(const Project& project, const std::string& feature,
                                       const PatternOptions& options, const std::vector<std::string>& requires_ids) {
  if (!is_feature_name(feature)) {
    throw Error(ErrorKind::kUsage, "bad feature name '" + feature + "' (lower-case letters, digits, '_', '-')");
  }
  auto files = render_pattern(options);
  Project numbering;  // the feature's numbers so far, extended as files are written
  numbering.config = project.config;
  for (const auto& m : project.migrations) {
    if (m.feature == feature) numbering.migrations.push_back(m);
  }
  std::vector<std::string> written;
  for (std::size_t i = 0; i < files.size(); ++i) {
    Migration m;
    m.feature = feature;
    m.number = next_migration_number(numbering, feature);
    std::string rel = project.config.migrations_dir + "/" + feature + "/" + m.number + "_" + files[i].slug + ".sql";
    std::string text = files[i].text;
    if (i == 0 && !requires_ids.empty()) text = "-- requires: " + join(requires_ids, ", ") + "\n" + text;
    auto abs = std::filesystem::path(project.config.root) / rel;
    std::error_code ec;
    std::filesystem::create_directories(abs.parent_path(), ec);
    if (ec) throw Error(ErrorKind::kIo, "cannot create " + abs.parent_path().string() + ": " + ec.message());
    write_file(abs.string(), text);
    written.push_back(rel);
    numbering.migrations.push_back(std::move(m));
  }
  return written;
}

}  // namespace trellis
