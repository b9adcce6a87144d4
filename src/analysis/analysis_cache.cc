// analysis_cache.cc — analyses persisted by file checksum in <dir>/analysis-cache.json.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "trellis/analysis.h"
#include "trellis/error.h"

namespace trellis {

// Bump when the analysis changes, so that old caches are ignored.
constexpr int kCacheFormat = 2;  // 2: backfill bodies analysed with :lo/:hi/:size masked

NLOHMANN_JSON_SERIALIZE_ENUM(LockLevel, {{LockLevel::kNone, "none"}, {LockLevel::kAccessShare, "access-share"},
                                         {LockLevel::kRowShare, "row-share"}, {LockLevel::kRowExclusive, "row-exclusive"},
                                         {LockLevel::kShareUpdateExclusive, "share-update-exclusive"},
                                         {LockLevel::kShare, "share"}, {LockLevel::kShareRowExclusive, "share-row-exclusive"},
                                         {LockLevel::kExclusive, "exclusive"}, {LockLevel::kAccessExclusive, "access-exclusive"}})
NLOHMANN_JSON_SERIALIZE_ENUM(ObjectKind, {{ObjectKind::kTable, "table"}, {ObjectKind::kColumn, "column"},
                                          {ObjectKind::kIndex, "index"}, {ObjectKind::kConstraint, "constraint"},
                                          {ObjectKind::kView, "view"}, {ObjectKind::kSequence, "sequence"},
                                          {ObjectKind::kType, "type"}, {ObjectKind::kFunction, "function"},
                                          {ObjectKind::kSchema, "schema"}, {ObjectKind::kExtension, "extension"},
                                          {ObjectKind::kTrigger, "trigger"}, {ObjectKind::kOther, "other"}})
NLOHMANN_JSON_SERIALIZE_ENUM(Access, {{Access::kCreate, "create"}, {Access::kAlter, "alter"}, {Access::kDrop, "drop"},
                                      {Access::kRename, "rename"}, {Access::kRead, "read"}, {Access::kReference, "reference"}})

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ObjectUse, kind, name, access, new_name, line, col)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(TableLock, table, level)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Hazard, rule, table, message, help, line, col, only_existing_table,
                                   only_in_transaction, only_outside_contract, only_without_transaction,
                                   exempt_if_validated_check, foreign_key, column, new_type)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ConstraintFact, table, name, kind, not_null_column, references, validated)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(StatementInfo, kind, line, col, parsed, parse_error, text, objects, locks,
                                   rewrites_table, scans_table, concurrently, hazards, constraints, column_types)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(MigrationAnalysis, id, path, checksum, statements)

namespace {
std::string cache_path(const std::string& dir) {
  return (std::filesystem::path(dir) / "analysis-cache.json").string();
}
}  // namespace

AnalysisCache::AnalysisCache(std::string dir) : dir_(std::move(dir)) {}
AnalysisCache::~AnalysisCache() = default;

void AnalysisCache::load() {
  std::ifstream in(cache_path(dir_), std::ios::binary);
  if (!in) return;
  std::stringstream buffer;
  buffer << in.rdbuf();
  auto doc = nlohmann::json::parse(buffer.str(), nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object() || doc.value("format", 0) != kCacheFormat) return;
  try {
    for (auto& [checksum, value] : doc.at("entries").items()) {
      entries_[checksum] = value.get<MigrationAnalysis>();
    }
  } catch (const nlohmann::json::exception&) {
    entries_.clear();  // a damaged cache is an empty cache
  }
}

const MigrationAnalysis& AnalysisCache::get(const Migration& migration) {
  if (migration.checksum.empty()) {
    ++misses_;
    return uncached_.emplace_back(analyse_migration(migration));
  }
  used_[migration.checksum] = true;
  auto it = entries_.find(migration.checksum);
  if (it != entries_.end()) {
    ++hits_;
    // Same content under another path or id: keep the names of this one.
    it->second.id = migration.id;
    it->second.path = migration.path;
    return it->second;
  }
  ++misses_;
  return entries_[migration.checksum] = analyse_migration(migration);
}

void AnalysisCache::save() const {
  nlohmann::json doc;
  doc["format"] = kCacheFormat;
  doc["entries"] = nlohmann::json::object();
  for (const auto& [checksum, analysis] : entries_) {
    if (!checksum.empty() && used_.count(checksum)) doc["entries"][checksum] = analysis;
  }
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  std::string path = cache_path(dir_);
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << doc.dump();
    if (!out) throw Error(ErrorKind::kIo, "cannot write " + tmp, "check that " + dir_ + " is writable");
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) throw Error(ErrorKind::kIo, "cannot replace " + path + ": " + ec.message());
}

}  // namespace trellis
