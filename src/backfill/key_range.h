// key_range.h — the keyset walk of range-mode backfills: where the first batch starts and
// where each batch ends (semantics in trellis/backfill.h).
#pragma once

#include <optional>
#include <string>

#include "trellis/backfill.h"
#include "trellis/driver.h"
#include "trellis/migration.h"

namespace trellis {

// A key value as read from the database, and whether it is a whole number.
struct KeyValue {
  std::string text;
  bool integer = false;
};

KeyValue key_value(const std::string& text);
// The value as an SQL literal: digits for integers, a quoted string otherwise.
std::string key_literal(const KeyValue& k);
BoundParam bound(const std::string& name, const KeyValue& k);

// :lo of the first batch: min(key) - 1 for integer keys, '' for text keys; nullopt when
// the table has no row with a key.
std::optional<KeyValue> first_lo(Driver& driver, const BatchSpec& spec);

// :hi of the batch after `lo`: the key of the size-th row with key > lo, or the highest
// key above lo if fewer remain; nullopt when no row has a key above lo (the walk is done).
std::optional<KeyValue> next_hi(Driver& driver, const BatchSpec& spec, const KeyValue& lo);

}  // namespace trellis
