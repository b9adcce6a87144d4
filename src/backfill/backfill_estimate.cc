#include "backfill/backfill_estimate.h"

#include <algorithm>

#include "backfill/key_range.h"
#include "sql/sql_text.h"
#include "trellis/error.h"

namespace trellis {
namespace {

std::optional<std::int64_t> as_int(const std::optional<std::string>& v) {
  if (!v || v->empty()) return std::nullopt;
  KeyValue k = key_value(*v);
  if (k.integer) return std::stoll(k.text);
  try {
    return static_cast<std::int64_t>(std::stod(*v));
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::optional<std::int64_t> count_above(Driver& d, const BatchSpec& spec, const std::optional<std::string>& last) {
  std::string sql = "SELECT count(*) FROM " + spec.table;
  if (last) sql += " WHERE " + spec.key + " > " + key_literal(key_value(*last));
  return as_int(d.query_scalar(sql));
}

std::optional<std::int64_t> postgres_estimate(Driver& d, const BatchSpec& spec,
                                              const std::optional<std::string>& last, std::int64_t rows_done) {
  auto total = as_int(d.query_scalar("SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(" +
                                     sql_literal(spec.table) + ")"));
  if (!total || *total < 0) return count_above(d, spec, last);  // never analysed
  if (!last) return *total;
  KeyValue lk = key_value(*last);
  auto lo = as_int(d.query_scalar("SELECT min(" + spec.key + ") FROM " + spec.table));
  auto hi = as_int(d.query_scalar("SELECT max(" + spec.key + ") FROM " + spec.table));
  if (!lk.integer || !lo || !hi || *hi < *lo) return std::max<std::int64_t>(*total - rows_done, 0);
  double left = static_cast<double>(*hi - std::stoll(lk.text)) / static_cast<double>(*hi - *lo + 1);
  return static_cast<std::int64_t>(static_cast<double>(*total) * std::clamp(left, 0.0, 1.0));
}

}  // namespace

std::optional<std::int64_t> estimate_remaining(Driver& driver, const BatchSpec& spec,
                                               const std::optional<std::string>& last_key,
                                               std::int64_t rows_done) {
  if (spec.mode != BatchSpec::Mode::kRange) return std::nullopt;
  try {
    if (driver.dialect() == "postgres") return postgres_estimate(driver, spec, last_key, rows_done);
    return count_above(driver, spec, last_key);
  } catch (const Error&) {
    return std::nullopt;  // an estimate is never worth failing for
  }
}

}  // namespace trellis
