#include "trellis/schema_check.h"

#include <unordered_set>

#include "project/ids.h"

namespace trellis {
namespace {

// "billing/0003_x" -> "billing/3", so short and full ids compare equal.
std::string short_key(const std::string& id) {
  auto ref = parse_id(id);
  return ref ? number_key(ref->feature, ref->number) : id;
}

}  // namespace

std::vector<std::string> missing_migrations(Driver& driver, const std::vector<std::string>& required) {
  std::unordered_set<std::string> full, shortened;
  for (const auto& row : driver.state().load_rows()) {
    if (row.status != RecordStatus::kApplied) continue;
    full.insert(row.id);
    shortened.insert(short_key(row.id));
  }
  std::vector<std::string> missing;
  for (const auto& id : required) {
    auto ref = parse_id(id);
    bool is_short = ref && ref->slug.empty();
    bool present = is_short ? shortened.count(short_key(id)) > 0 : full.count(id) > 0;
    if (!present) missing.push_back(id);
  }
  return missing;
}

}  // namespace trellis
