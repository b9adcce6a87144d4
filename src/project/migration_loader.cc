// Finds and parses every migration file of a project.
#include <algorithm>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <iterator>
#include <string_view>

#include "project/file_cache.h"
#include "project/migration_loader.h"
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

// What loading one feature directory produced.
struct FeatureLoad {
  std::vector<Migration> migrations;
  std::deque<FileCache::Record> records;  // one per file read (with a cache only)
  Diagnostics diag;
};

// Parses the cached content of `rec` when the file is unchanged; false when it must be read.
bool parse_cached(const FileCache& cache, const Directory& dir, const std::string& name,
                  FileCache::Record& rec, Migration& m, Diagnostics& diag) {
  if (!dir.stamp(name, &rec.stamp)) return false;
  const FileCache::Entry* hit = cache.find(rec.path, rec.stamp);
  if (!hit) return false;
  Migration parsed = m;
  Diagnostics found;
  parse_migration(hit->content, parsed, found);
  if (parsed.checksum != hit->checksum) return false;  // a damaged entry: read the file
  m = std::move(parsed);
  diag.errors.insert(diag.errors.end(), found.errors.begin(), found.errors.end());
  rec.content = hit->content;
  rec.checksum = m.checksum;
  rec.from_cache = true;
  return true;
}

void load_file(const Directory& dir, const std::string& name, const FileCache* cache, Migration& m,
               FeatureLoad& out) {
  if (!cache) {
    parse_migration(dir.read(name), m, out.diag);
    return;
  }
  FileCache::Record& rec = out.records.emplace_back();
  rec.path = m.path;
  if (parse_cached(*cache, dir, name, rec, m, out.diag)) return;
  rec.owned = dir.read(name, &rec.stamp);
  rec.content = rec.owned;
  parse_migration(rec.content, m, out.diag);
  rec.checksum = m.checksum;
}

void load_feature(const Directory& dir, const std::string& rel_dir, const std::string& feature,
                  const FileCache* cache, FeatureLoad& out) {
  for (const auto& file : dir.entries()) {
    const std::string& name = file.name;
    if (name.empty() || name[0] == '.' || file.directory || !ends_with_sql(name)) continue;
    std::string rel = rel_dir + "/" + feature + "/" + name;
    auto parsed = parse_file_name(name);
    if (!parsed) {
      out.diag.errors.push_back(rel + ": file name must be NNNN_slug.sql (digits, '_', then letters, "
                                      "digits, '_' or '-')");
      continue;
    }
    Migration& m = out.migrations.emplace_back();
    m.feature = feature;
    m.number = parsed->number;
    m.slug = parsed->slug;
    m.id = feature + "/" + parsed->number + "_" + parsed->slug;
    m.path = rel;
    load_file(dir, name, cache, m, out);
  }
  // File names sort as text; numbers of different widths need a sort by value (rarely: a
  // feature whose numbers all have one width is in order already).
  auto& all = out.migrations;
  if (!std::is_sorted(all.begin(), all.end(), by_number)) std::stable_sort(all.begin(), all.end(), by_number);
}

bool cache_disabled_by_environment() {
  const char* v = std::getenv("TRELLIS_NO_CACHE");
  return v != nullptr && *v != '\0' && std::string_view(v) != "0";
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

std::vector<Migration> load_migrations(const Config& config, FileCacheUse use) {
  if (use == FileCacheUse::kBypass || cache_disabled_by_environment()) return load_migrations_with(config, nullptr);
  FileCache cache((fs::path(config.root) / ".trellis").string(), FileCache::wall_clock_ns());
  cache.load();
  return load_migrations_with(config, &cache);
}

std::vector<Migration> load_migrations_with(const Config& config, FileCache* cache) {
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
  std::vector<FeatureLoad> loaded(entries.size());
  std::vector<std::size_t> features;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const std::string& name = entries[i].name;
    if (name.empty() || name[0] == '.') continue;
    if (!entries[i].directory) {
      if (ends_with_sql(name)) {
        loaded[i].diag.errors.push_back(config.migrations_dir + "/" + name +
                                  ": migrations live in a feature directory (" + config.migrations_dir +
                                  "/<feature>/NNNN_slug.sql)");
      }
    } else if (!is_feature_name(name)) {
      loaded[i].diag.errors.push_back(config.migrations_dir + "/" + name +
                                ": feature names use lower-case letters, digits, '_' and '-'");
    } else {
      features.push_back(i);
    }
  }
  parallel_for(features.size(), [&](std::size_t k) {
    std::size_t i = features[k];
    load_feature(Directory(root, entries[i].name), config.migrations_dir, entries[i].name,
                 cache, loaded[i]);
  });
  std::vector<Migration> all;
  std::size_t total = 0;
  for (const auto& l : loaded) total += l.migrations.size();
  all.reserve(total);
  Diagnostics diag;
  std::vector<const FileCache::Record*> records;
  records.reserve(total);
  for (auto& l : loaded) {
    std::move(l.migrations.begin(), l.migrations.end(), std::back_inserter(all));
    diag.errors.insert(diag.errors.end(), l.diag.errors.begin(), l.diag.errors.end());
    for (const auto& rec : l.records) records.push_back(&rec);
  }
  if (cache) cache->save(records);
  check_duplicate_numbers(all, diag);
  if (!diag.empty()) {
    std::string message = join(diag.errors, "\n");
    throw Error(ErrorKind::kParse, message);
  }
  return all;
}

Project load_project(const std::string& root, FileCacheUse use) {
  Project p;
  p.config = load_config(root);
  p.migrations = load_migrations(p.config, use);
  return p;
}

}  // namespace trellis
