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
  return as_int(d.connection().query_scalar(sql));
}

// From the planner's row count where the database keeps one (Catalog::estimated_rows),
// scaled by how far the key walk got; a count otherwise.
std::optional<std::int64_t> planner_estimate(Driver& d, const BatchSpec& spec,
                                             const std::optional<std::string>& last, std::int64_t rows_done) {
  auto total = d.catalog().estimated_rows(spec.table);
  if (!total) return count_above(d, spec, last);  // none kept, or never analysed
  if (!last) return *total;
  KeyValue lk = key_value(*last);
  auto lo = as_int(d.connection().query_scalar("SELECT min(" + spec.key + ") FROM " + spec.table));
  auto hi = as_int(d.connection().query_scalar("SELECT max(" + spec.key + ") FROM " + spec.table));
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
    return planner_estimate(driver, spec, last_key, rows_done);
  } catch (const Error&) {
    return std::nullopt;  // an estimate is never worth failing for
  }
}

}  // namespace trellis
