// Finds and parses every migration file of a project.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <memory>
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

using EntryView = Directory::EntryView;

bool ends_with_sql(std::string_view name) { return name.size() > 4 && name.substr(name.size() - 4) == ".sql"; }

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
bool parse_cached(const FileCache& cache, const Directory& dir, std::string_view name,
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
void load_file(const Directory& dir, std::string_view name, const FileCache* cache, Migration& m,
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

// A directory's entries: the cached ones when its stamp is the recorded one, else listed.
// Neither copied nor moved: `view` points into the object itself.
struct Listed {
  Listed() = default;
  Listed(const Listed&) = delete;
  Listed& operator=(const Listed&) = delete;

  std::string path;  // relative to the project root
  std::vector<Directory::Entry> owned;  // when listed
  FileCache::Listing view;              // views into `path`, and `owned` or the cache
};

void list_directory(const Directory& dir, const FileCache* cache, Listed& out) {
  out.view.path = out.path;
  if (cache && dir.own_stamp(&out.view.stamp)) {
    if (const auto* hit = cache->find_listing(out.path, out.view.stamp)) {
      out.view.entries = *hit;
      out.view.from_cache = true;
      return;
    }
  }
  out.owned = dir.entries();
  out.view.entries.reserve(out.owned.size());
  for (const auto& e : out.owned) out.view.entries.push_back({e.name, e.directory});
}

struct NamedFile {
  std::string_view name;  // in the directory's listing
  FileName parts;
};

// One entry of the migrations directory: a feature directory and its files, or only the
// messages about an entry that is not one.
struct FeatureSlot {
  std::unique_ptr<Directory> dir;
  Listed listed;
  std::vector<NamedFile> files;  // in number order
  std::size_t first = 0;         // of its migrations in the project's list
  Diagnostics diag;
};

// The migration files of a feature directory, in number order (file names sort as text,
// so numbers of different widths need a sort by value; rarely needed).
std::vector<NamedFile> migration_files(const std::vector<EntryView>& entries, const std::string& rel,
                                       Diagnostics& diag) {
  std::vector<NamedFile> out;
  out.reserve(entries.size());
  for (const auto& file : entries) {
    std::string_view name = file.name;
    if (name.empty() || name[0] == '.' || file.directory || !ends_with_sql(name)) continue;
    auto parsed = parse_file_name(name);
    if (!parsed) {
      diag.errors.push_back(
          error_at("file-name", rel + "/" + std::string(name), 0,
                   "file name must be NNNN_slug.sql: digits, '_', then a slug of " +
                       std::string(kSlugRule)));
      continue;
    }
    out.push_back({name, std::move(*parsed)});
  }
  auto by_number = [](const NamedFile& a, const NamedFile& b) {
    return compare_numbers(a.parts.number, b.parts.number) < 0;
  };
  if (!std::is_sorted(out.begin(), out.end(), by_number)) std::stable_sort(out.begin(), out.end(), by_number);
  return out;
}

void list_feature(const Directory& root, const std::string& rel_dir, const std::string& feature,
                  const FileCache* cache, FeatureSlot& slot) {
  slot.dir = std::make_unique<Directory>(root, feature);
  slot.listed.path = rel_dir + "/" + feature;
  list_directory(*slot.dir, cache, slot.listed);
  slot.files = migration_files(slot.listed.view.entries, slot.listed.path, slot.diag);
}

// Parses the slot's files into `out[slot.first …]`, and with a cache fills `records` alike.
void load_feature(const std::string& feature, const FileCache* cache, FeatureSlot& slot,
                  std::vector<Migration>& out, std::vector<FileCache::Record>& records) {
  for (std::size_t k = 0; k < slot.files.size(); ++k) {
    NamedFile& file = slot.files[k];
    Migration& m = out[slot.first + k];
    m.feature = feature;
    m.number = std::move(file.parts.number);
    m.slug = std::move(file.parts.slug);
    m.id = feature + "/" + m.number + "_" + m.slug;
    m.path.reserve(slot.listed.path.size() + 1 + file.name.size());
    m.path.append(slot.listed.path).append("/").append(file.name);
    load_file(*slot.dir, file.name, cache, m, cache ? &records[slot.first + k] : nullptr, slot.diag);
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
      diag.errors.push_back(error_at("duplicate-number", b.path, 0,
                                     "duplicate number " + b.number + " in feature '" + b.feature +
                                         "' (also " + a.path + ")"));
    }
  }
}

// Sizes the project's list of migrations once, then every feature parses its files into
// its own part of it, in parallel. With a cache, `records` gets one per migration.
std::vector<Migration> parse_features(const std::vector<EntryView>& entries, const std::vector<std::size_t>& features,
                                      const FileCache* cache, std::vector<FeatureSlot>& slots,
                                      std::vector<FileCache::Record>& records) {
  std::size_t total = 0;
  for (auto& slot : slots) {
    slot.first = total;
    total += slot.files.size();
  }
  std::vector<Migration> all(total);
  records.resize(cache ? total : 0);
  parallel_for(features.size(), [&](std::size_t k) {
    std::size_t i = features[k];
    load_feature(std::string(entries[i].name), cache, slots[i], all, records);
  });
  return all;
}

// Sorts the root's entries into feature directories (in `features`) and messages.
void classify_root(const Config& config, const std::vector<EntryView>& entries, std::vector<FeatureSlot>& slots,
                   std::vector<std::size_t>& features) {
  for (std::size_t i = 0; i < entries.size(); ++i) {
    std::string name(entries[i].name);
    if (name.empty() || name[0] == '.') continue;
    if (!entries[i].directory) {
      if (ends_with_sql(name)) {
        slots[i].diag.errors.push_back(
            error_at("file-outside-feature", config.migrations_dir + "/" + name, 0,
                     "migrations live in a feature directory (" + config.migrations_dir +
                         "/<feature>/NNNN_slug.sql)"));
      }
    } else if (!is_feature_name(name)) {
      slots[i].diag.errors.push_back(
          error_at("feature-name", config.migrations_dir + "/" + name, 0,
                   "feature names use lower-case letters, digits, '_' and '-'"));
    } else {
      features.push_back(i);
    }
  }
}

void save_cache(FileCache& cache, const Listed& root, const std::vector<FeatureSlot>& slots,
                const std::vector<FileCache::Record>& records) {
  std::vector<const FileCache::Listing*> listings{&root.view};
  for (const auto& slot : slots) {
    if (slot.dir) listings.push_back(&slot.listed.view);
  }
  std::vector<const FileCache::Record*> recs;
  recs.reserve(records.size());
  for (const auto& rec : records) recs.push_back(&rec);
  cache.save(recs, listings);
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
  // One slot per entry of the migrations directory, in name order. The feature
  // directories are listed, the list of migrations is sized once, and every feature
  // parses its files into its own part of it, in parallel (most of the time goes to the
  // kernel): the result and the order of the messages are those of a serial load. (Of
  // two unreadable things, a directory is reported before a file in an earlier one.)
  Directory root(dir.string());
  Listed root_listed;
  root_listed.path = config.migrations_dir;
  list_directory(root, cache, root_listed);
  const std::vector<EntryView>& entries = root_listed.view.entries;
  std::vector<FeatureSlot> slots(entries.size());
  std::vector<std::size_t> features;
  classify_root(config, entries, slots, features);
  // Listing from the cache costs an open and an fstat per directory: less than starting a
  // thread. When the migrations directory itself had changed, they are listed in parallel.
  parallel_for(
      features.size(),
      [&](std::size_t k) {
        std::size_t i = features[k];
        list_feature(root, config.migrations_dir, std::string(entries[i].name), cache, slots[i]);
      },
      root_listed.view.from_cache ? 1 : 0);
  std::vector<FileCache::Record> records;
  std::vector<Migration> all = parse_features(entries, features, cache, slots, records);
  if (cache) save_cache(*cache, root_listed, slots, records);
  Diagnostics diag;
  for (const auto& slot : slots) diag.errors.insert(diag.errors.end(), slot.diag.errors.begin(), slot.diag.errors.end());
  check_duplicate_numbers(all, diag);
  if (!diag.empty()) throw Error(ErrorKind::kParse, std::move(diag.errors));
  return all;
}

Project load_project(const std::string& root, FileCacheUse use) {
  Project p;
  p.config = load_config(root);
  p.migrations = load_migrations(p.config, use);
  return p;
}

}  // namespace trellis
