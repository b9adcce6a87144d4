// Finds and parses every migration file of a project.
#include <algorithm>
#include <filesystem>
#include <map>

#include "project/ids.h"
#include "project/migration_parser.h"
#include "trellis/error.h"
#include "trellis/project.h"
#include "util/text.h"

namespace fs = std::filesystem;

namespace trellis {
namespace {

struct Entry {
  std::string name;
  bool directory;
};

// Directory entries sorted by name (plain string order: fast for thousands of files).
std::vector<Entry> sorted_entries(const fs::path& dir) {
  std::vector<Entry> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code type_ec;
    out.push_back({it->path().filename().string(), it->is_directory(type_ec)});
  }
  if (ec) throw Error(ErrorKind::kIo, dir.string() + ": cannot list: " + ec.message());
  std::sort(out.begin(), out.end(), [](const Entry& a, const Entry& b) { return a.name < b.name; });
  return out;
}

bool ends_with_sql(const std::string& name) {
  return name.size() > 4 && name.compare(name.size() - 4, 4, ".sql") == 0;
}

void load_feature(const fs::path& dir, const std::string& rel_dir, const std::string& feature,
                  std::vector<Migration>& out, Diagnostics& diag) {
  std::vector<Migration> feature_migrations;
  std::string dir_prefix = dir.string() + "/";
  for (const auto& file : sorted_entries(dir)) {
    const std::string& name = file.name;
    if (name.empty() || name[0] == '.' || file.directory || !ends_with_sql(name)) continue;
    std::string rel = rel_dir + "/" + feature + "/" + name;
    auto parsed = parse_file_name(name);
    if (!parsed) {
      diag.errors.push_back(rel + ": file name must be NNNN_slug.sql (digits, '_', then letters, "
                                  "digits, '_' or '-')");
      continue;
    }
    Migration m;
    m.feature = feature;
    m.number = parsed->number;
    m.slug = parsed->slug;
    m.id = feature + "/" + parsed->number + "_" + parsed->slug;
    m.path = rel;
    parse_migration(read_file(dir_prefix + name), m, diag);
    feature_migrations.push_back(std::move(m));
  }
  // File names sort as text; numbers of different widths need a sort by value.
  std::stable_sort(feature_migrations.begin(), feature_migrations.end(),
                   [](const Migration& a, const Migration& b) { return compare_numbers(a.number, b.number) < 0; });
  for (auto& m : feature_migrations) out.push_back(std::move(m));
}

void check_duplicate_numbers(const std::vector<Migration>& all, Diagnostics& diag) {
  for (std::size_t i = 1; i < all.size(); ++i) {
    const auto& a = all[i - 1];
    const auto& b = all[i];
    if (a.feature == b.feature && compare_numbers(a.number, b.number) == 0) {
      diag.errors.push_back(b.path + ": duplicate number " + b.number + " in feature '" + b.feature +
                            "' (also " + a.path + ")");
    }
  }
}

}  // namespace

std::vector<Migration> load_migrations(const Config& config) {
  fs::path dir = fs::path(config.root) / config.migrations_dir;
  if (!fs::is_directory(dir)) {
    throw Error(ErrorKind::kConfig, "migrations directory '" + config.migrations_dir + "' not found in " +
                                        config.root,
                "create it, or set [project] migrations in trellis.toml");
  }
  std::vector<Migration> all;
  Diagnostics diag;
  for (const auto& entry : sorted_entries(dir)) {
    const std::string& name = entry.name;
    if (name.empty() || name[0] == '.') continue;
    if (!entry.directory) {
      if (ends_with_sql(name)) {
        diag.errors.push_back(config.migrations_dir + "/" + name +
                              ": migrations live in a feature directory (" + config.migrations_dir +
                              "/<feature>/NNNN_slug.sql)");
      }
      continue;
    }
    if (!is_feature_name(name)) {
      diag.errors.push_back(config.migrations_dir + "/" + name +
                            ": feature names use lower-case letters, digits, '_' and '-'");
      continue;
    }
    load_feature(dir / name, config.migrations_dir, name, all, diag);
  }
  check_duplicate_numbers(all, diag);
  if (!diag.empty()) {
    std::string message = join(diag.errors, "\n");
    throw Error(ErrorKind::kParse, message);
  }
  return all;
}

Project load_project(const std::string& root) {
  Project p;
  p.config = load_config(root);
  p.migrations = load_migrations(p.config);
  return p;
}

}  // namespace trellis
