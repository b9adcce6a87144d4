#include "backfill/key_range.h"

#include <charconv>

#include "sql/sql_text.h"

namespace trellis {

KeyValue key_value(const std::string& text) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  return KeyValue{text, !text.empty() && ec == std::errc() && p == text.data() + text.size()};
}

std::string key_literal(const KeyValue& k) { return k.integer ? k.text : sql_literal(k.text); }

BoundParam bound(const std::string& name, const KeyValue& k) { return BoundParam{name, k.text, k.integer}; }

std::optional<KeyValue> first_lo(Driver& driver, const BatchSpec& spec) {
  auto min = driver.connection().query_scalar("SELECT min(" + spec.key + ") FROM " + spec.table);
  if (!min || min->empty()) return std::nullopt;
  KeyValue k = key_value(*min);
  if (!k.integer) return KeyValue{"", false};
  return KeyValue{std::to_string(std::stoll(k.text) - 1), true};
}

std::optional<KeyValue> last_key(Driver& driver, const BatchSpec& spec) {
  auto max = driver.connection().query_scalar("SELECT max(" + spec.key + ") FROM " + spec.table);
  if (!max || max->empty()) return std::nullopt;
  return key_value(*max);
}

std::optional<KeyValue> next_hi(Driver& driver, const BatchSpec& spec, const KeyValue& lo, const KeyValue& end) {
  std::string above = " FROM " + spec.table + " WHERE " + spec.key + " > " + key_literal(lo) + " AND " + spec.key +
                      " <= " + key_literal(end);
  auto hi = driver.connection().query_scalar("SELECT " + spec.key + above + " ORDER BY " + spec.key + " LIMIT 1 OFFSET " +
                                std::to_string(spec.size - 1));
  if (!hi) hi = driver.connection().query_scalar("SELECT max(" + spec.key + ")" + above);
  if (!hi || hi->empty()) return std::nullopt;
  return key_value(*hi);
}

}  // namespace trellis
