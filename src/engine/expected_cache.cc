// expected_cache.cc — expected schemas by key in <dir>/expected-schemas.bin.
//
// Format (binary_codec.h): the magic "TRELLIS-EXPECTED" and a format number, a count, then
// each entry's key and its model, most recent first. A model is a file image of its own
// (magic "TRELLIS-MODEL"): backend, then each object's kind name, name, parent and
// properties.
// Anything that does not read back exactly is an empty cache.
#include "engine/expected_cache.h"

#include <cstdlib>
#include <filesystem>

#include "trellis/error.h"
#include "util/binary_codec.h"
#include "util/cache_file.h"
#include "util/sha256.h"

namespace trellis {
namespace {

constexpr std::uint64_t kFormat = 2;  // 2: models in binary, not JSON (a warm check parsed JSON for 15% of its time)
constexpr std::string_view kMagic = "TRELLIS-EXPECTED";
constexpr std::string_view kModelMagic = "TRELLIS-MODEL";
constexpr const char* kFile = "expected-schemas.bin";

// One model as its own small file image (its own string table), so that finding one entry
// decodes only that one.
std::string encode(const SchemaModel& model) {
  BinaryWriter w;
  w.s(model.backend);
  w.u(model.objects.size());
  for (const SchemaObject& o : model.objects) {
    w.s(schema_kind_name(o.kind));
    w.s(o.name);
    w.s(o.parent);
    w.u(o.properties.size());
    for (const SchemaProperty& p : o.properties) {
      w.s(p.name);
      w.s(p.value);
    }
  }
  return w.finish(kModelMagic, kFormat);
}

std::optional<SchemaModel> decode(std::string_view data) {
  BinaryReader r(data);
  if (!r.header(kModelMagic, kFormat)) return std::nullopt;
  SchemaModel model;
  model.backend = r.s();
  model.objects.resize(r.count());
  for (SchemaObject& o : model.objects) {
    if (!r.ok() || !parse_schema_kind(r.s(), &o.kind)) return std::nullopt;
    o.name = r.s();
    o.parent = r.s();
    o.properties.resize(r.count());
    for (SchemaProperty& p : o.properties) {
      p.name = r.s();
      p.value = r.s();
    }
  }
  if (!r.ok() || !r.at_end()) return std::nullopt;
  return model;
}

bool cache_disabled() {
  const char* v = std::getenv("TRELLIS_NO_CACHE");
  return v != nullptr && *v != '\0' && std::string_view(v) != "0";
}

}  // namespace

std::string expected_schema_key(std::string_view backend, const std::vector<const Migration*>& order) {
  std::string text = "trellis " TRELLIS_VERSION "\n";
  text += backend;
  text += '\n';
  for (const Migration* m : order) {
    text += m->id;
    text += ' ';
    text += m->checksum;
    text += '\n';
  }
  return sha256_hex(text);
}

ExpectedSchemaCache::ExpectedSchemaCache(std::string dir) : dir_(std::move(dir)), enabled_(!cache_disabled()) {}

std::vector<ExpectedSchemaCache::Entry> ExpectedSchemaCache::load() const {
  std::vector<Entry> entries;
  if (!enabled_) return entries;
  std::string data = read_cache_file((std::filesystem::path(dir_) / kFile).string());
  BinaryReader r(data);
  if (!r.header(kMagic, kFormat)) return entries;
  std::size_t total = r.count();
  for (std::size_t k = 0; k < total && r.ok(); ++k) {
    Entry e;
    e.key = r.s();
    e.model = std::string(r.bytes());
    entries.push_back(std::move(e));
  }
  if (!r.ok() || !r.at_end()) entries.clear();
  return entries;
}

std::optional<SchemaModel> ExpectedSchemaCache::find(const std::string& key) const {
  for (const Entry& e : load()) {
    if (e.key == key) return decode(e.model);  // nullopt when damaged: replay again
  }
  return std::nullopt;
}

void ExpectedSchemaCache::store(const std::string& key, const SchemaModel& model) const {
  if (!enabled_) return;
  std::vector<Entry> entries = load();
  std::erase_if(entries, [&](const Entry& e) { return e.key == key; });
  entries.insert(entries.begin(), Entry{key, encode(model)});
  if (entries.size() > kEntries) entries.resize(kEntries);
  BinaryWriter w;
  w.u(entries.size());
  for (const Entry& e : entries) {
    w.s(e.key);
    w.bytes(e.model);
  }
  try {
    write_cache_file(dir_, kFile, w.finish(kMagic, kFormat));
  } catch (const Error&) {
    // A read-only project directory: the next check replays again.
  }
}

}  // namespace trellis
