// Finds and parses every migration file of a project.
#include <algorithm>
#include <filesystem>
#include <iterator>

#include "project/ids.h"
#include "project/migration_parser.h"
#include "trellis/error.h"
#include "trellis/project.h"
#include "util/directory.h"
#include "util/parallel.h"
#include "util/text.h"

namespace fs = std::filesystem;

namespace trellis {
namespace {

bool ends_with_sql(const std::string& name) {
  return name.size() > 4 && name.compare(name.size() - 4, 4, ".sql") == 0;
}

bool by_number(const Migration& a, const Migration& b) { return compare_numbers(a.number, b.number) < 0; }

void load_feature(const Directory& dir, const std::string& rel_dir, const std::string& feature,
                  std::vector<Migration>& out, Diagnostics& diag) {
  auto first = static_cast<std::ptrdiff_t>(out.size());
  for (const auto& file : dir.entries()) {
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
    parse_migration(dir.read(name), m, diag);
    out.push_back(std::move(m));
  }
  // File names sort as text; numbers of different widths need a sort by value (rarely: a
  // feature whose numbers all have one width is in order already).
  auto begin = out.begin() + first;
  if (!std::is_sorted(begin, out.end(), by_number)) std::stable_sort(begin, out.end(), by_number);
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
  // One slot per entry of the migrations directory, in name order; feature directories
  // are read in parallel (most of the time goes to the kernel opening and reading small
  // files), then the slots are joined in order, so the result and the order of the
  // messages are the same as reading them one by one.
  Directory root(dir.string());
  std::vector<Directory::Entry> entries = root.entries();
  std::vector<std::vector<Migration>> loaded(entries.size());
  std::vector<Diagnostics> diags(entries.size());
  std::vector<std::size_t> features;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const std::string& name = entries[i].name;
    if (name.empty() || name[0] == '.') continue;
    if (!entries[i].directory) {
      if (ends_with_sql(name)) {
        diags[i].errors.push_back(config.migrations_dir + "/" + name +
                                  ": migrations live in a feature directory (" + config.migrations_dir +
                                  "/<feature>/NNNN_slug.sql)");
      }
    } else if (!is_feature_name(name)) {
      diags[i].errors.push_back(config.migrations_dir + "/" + name +
                                ": feature names use lower-case letters, digits, '_' and '-'");
    } else {
      features.push_back(i);
    }
  }
  parallel_for(features.size(), [&](std::size_t k) {
    std::size_t i = features[k];
    load_feature(Directory(root, entries[i].name), config.migrations_dir, entries[i].name, loaded[i],
                 diags[i]);
  });
  std::vector<Migration> all;
  std::size_t total = 0;
  for (const auto& l : loaded) total += l.size();
  all.reserve(total);
  Diagnostics diag;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    std::move(loaded[i].begin(), loaded[i].end(), std::back_inserter(all));
    diag.errors.insert(diag.errors.end(), diags[i].errors.begin(), diags[i].errors.end());
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
