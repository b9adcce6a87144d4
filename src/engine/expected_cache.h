// expected_cache.h — the schemas that applied migrations make, kept in the project's
// `.trellis/expected-schemas.bin` so that a second `check` of an unchanged database only
// reads the live schema (ARCHITECTURE.md, "Caches"). Like every cache there it only ever
// saves work: a missing or damaged file reads back as empty.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "trellis/migration.h"
#include "trellis/schema.h"

namespace trellis {

// The key of the schema `order` makes on `backend` ("sqlite", "postgres"): a digest of
// the backend, Trellis' version (its schema readers) and the ordered (id, checksum) of
// every migration, so that any edit, addition, removal or reordering misses.
std::string expected_schema_key(std::string_view backend, const std::vector<const Migration*>& order);

class ExpectedSchemaCache {
 public:
  // `dir` is the project's `.trellis`. TRELLIS_NO_CACHE=1 in the environment makes the
  // cache neither read nor write.
  explicit ExpectedSchemaCache(std::string dir);

  // The model stored under `key`, if any.
  std::optional<SchemaModel> find(const std::string& key) const;
  // Stores `model` under `key`, keeping the few most recently stored others (one per
  // environment's database, typically). A file that cannot be written is left as it is:
  // the cache only saves time.
  void store(const std::string& key, const SchemaModel& model) const;

  static constexpr std::size_t kEntries = 8;

 private:
  struct Entry {
    std::string key;
    std::string model;  // encoded (expected_cache.cc)
  };
  std::vector<Entry> load() const;

  std::string dir_;
  bool enabled_;
};

}  // namespace trellis
