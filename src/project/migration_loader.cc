// Finds and parses every migration file of a project.
#include <algorithm>
#include <cstdlib>
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

// What loading one feature directory produced.
struct FeatureLoad {
  std::vector<Migration> migrations;
  std::vector<FileCache::Record> records;  // one per migration, with a cache only
  Diagnostics diag;
};

// Back to what load_feature set before parsing, dropping what a parse filled in.
void reset_to_header(Migration& m) {
  Migration header;
  header.id = std::move(m.id);
  header.feature = std::move(m.feature);
  header.number = std::move(m.number);
  header.slug = std::move(m.slug);
  header.path = std::move(m.path);
  m = std::move(header);
}

// Parses the cached content of `rec` when the file is unchanged; false when it must be read.
bool parse_cached(const FileCache& cache, const Directory& dir, const std::string& name,
                  FileCache::Record& rec, Migration& m, Diagnostics& diag) {
  if (!dir.stamp(name, &rec.stamp)) return false;
  const FileCache::Entry* hit = cache.find(m.path, rec.stamp);
  if (!hit) return false;
  std::size_t errors_before = diag.errors.size();
  parse_migration(hit->content, m, diag);
  if (m.checksum != hit->checksum) {  // a damaged entry: forget this parse, read the file
    diag.errors.resize(errors_before);
    reset_to_header(m);
    return false;
  }
  rec.content = hit->content;
  rec.from_cache = true;
  return true;
}

// Fills `m` from the file `name`; with a cache, also `rec` (which then refers to m's path
// and checksum).
void load_file(const Directory& dir, const std::string& name, const FileCache* cache, Migration& m,
               FileCache::Record* rec, Diagnostics& diag) {
  if (!cache) {
    parse_migration(dir.read(name), m, diag);
    return;
  }
  rec->path = m.path;
  if (!parse_cached(*cache, dir, name, *rec, m, diag)) {
    rec->owned = dir.read(name, &rec->stamp);
    rec->content = rec->owned;
    parse_migration(rec->content, m, diag);
  }
  rec->checksum = m.checksum;
}

struct NamedFile {
  const std::string* name;
  FileName parts;
};

// The migration files of a feature directory, in number order (file names sort as text,
// so numbers of different widths need a sort by value; rarely needed).
std::vector<NamedFile> migration_files(const std::vector<Directory::Entry>& entries, const std::string& rel,
                                       Diagnostics& diag) {
  std::vector<NamedFile> out;
  out.reserve(entries.size());
  for (const auto& file : entries) {
    const std::string& name = file.name;
    if (name.empty() || name[0] == '.' || file.directory || !ends_with_sql(name)) continue;
    auto parsed = parse_file_name(name);
    if (!parsed) {
      diag.errors.push_back(rel + "/" + name + ": file name must be NNNN_slug.sql (digits, '_', then letters, "
                                               "digits, '_' or '-')");
      continue;
    }
    out.push_back({&name, std::move(*parsed)});
  }
  auto by_number = [](const NamedFile& a, const NamedFile& b) {
    return compare_numbers(a.parts.number, b.parts.number) < 0;
  };
  if (!std::is_sorted(out.begin(), out.end(), by_number)) std::stable_sort(out.begin(), out.end(), by_number);
  return out;
}

void load_feature(const Directory& dir, const std::string& rel_dir, const std::string& feature,
                  const FileCache* cache, FeatureLoad& out) {
  std::vector<Directory::Entry> entries = dir.entries();
  std::string rel = rel_dir + "/" + feature;
  std::vector<NamedFile> files = migration_files(entries, rel, out.diag);
  // Sized once: records point into the migrations, which therefore never move here.
  out.migrations.resize(files.size());
  if (cache) out.records.resize(files.size());
  for (std::size_t k = 0; k < files.size(); ++k) {
    Migration& m = out.migrations[k];
    m.feature = feature;
    m.number = files[k].parts.number;
    m.slug = files[k].parts.slug;
    m.id = feature + "/" + m.number + "_" + m.slug;
    m.path = rel + "/" + *files[k].name;
    load_file(dir, *files[k].name, cache, m, cache ? &out.records[k] : nullptr, out.diag);
  }
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
  if (cache) {  // before the migrations move: the records point into them
    std::vector<const FileCache::Record*> records;
    records.reserve(total);
    for (const auto& l : loaded) {
      for (const auto& rec : l.records) records.push_back(&rec);
    }
    cache->save(records);
  }
  Diagnostics diag;
  for (auto& l : loaded) {
    std::move(l.migrations.begin(), l.migrations.end(), std::back_inserter(all));
    diag.errors.insert(diag.errors.end(), l.diag.errors.begin(), l.diag.errors.end());
  }
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
