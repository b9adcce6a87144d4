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

std::vector<fs::path> sorted_entries(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    out.push_back(it->path());
  }
  if (ec) throw Error(ErrorKind::kIo, dir.string() + ": cannot list: " + ec.message());
  std::sort(out.begin(), out.end());
  return out;
}

void load_feature(const fs::path& dir, const std::string& rel_dir, const std::string& feature,
                  std::vector<Migration>& out, Diagnostics& diag) {
  for (const auto& file : sorted_entries(dir)) {
    std::string name = file.filename().string();
    if (name.empty() || name[0] == '.' || file.extension() != ".sql") continue;
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
    parse_migration(read_file(file.string()), m, diag);
    out.push_back(std::move(m));
  }
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
    std::string name = entry.filename().string();
    if (name.empty() || name[0] == '.') continue;
    if (!fs::is_directory(entry)) {
      if (entry.extension() == ".sql") {
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
    load_feature(entry, config.migrations_dir, name, all, diag);
  }
  std::stable_sort(all.begin(), all.end(), [](const Migration& a, const Migration& b) {
    if (a.feature != b.feature) return a.feature < b.feature;
    int c = compare_numbers(a.number, b.number);
    return c != 0 ? c < 0 : a.id < b.id;
  });
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
